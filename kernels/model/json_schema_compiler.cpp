#include "kernels/model/json_schema_compiler.hpp"

#include <algorithm>
#include <array>
#include <map>

#include <nlohmann/json.hpp>

#include "kernels/model/decimal_text.hpp"
#include "kernels/model/json_nesting.hpp"
#include "kernels/model/schema_compiler.hpp"
#include "kernels/model/schema_graph.hpp"
#include "kernels/model/schema_keywords.hpp"

namespace infergrid::model {
namespace {

using json = schema_compiler::json;

}  // namespace

error invalid_schema(const std::string& at, const std::string& what) {
  return make_error(error_code::invalid_argument, "output_schema: " + what + " at " + at);
}

error unsupported_schema(const std::string& what) { return make_error(error_code::unsupported, "output_schema: " + what); }

namespace {

std::string bad_type(const json& type) {
  return "'type' " + type.dump() + " is not one of object, array, string, number, integer, boolean, null (or an array of them)";
}

}  // namespace

std::string schema_compiler::number_text(const json& number, const std::string& at) const {
  return model::number_text(number, texts_, at.substr(1));
}

std::optional<std::string> schema_compiler::compact(const json& value, const std::string& at) const {
  try {
    return dump_keeping_number_texts(value, texts_, at.substr(1));
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

bool schema_compiler::same_value(const json& a, const std::string& at_a, const json& b, const std::string& at_b) const {
  if (a.is_number() && b.is_number()) return same_decimal(number_text(a, at_a), number_text(b, at_b));
  return a == b && (texts_.empty() || compact(a, at_a) == compact(b, at_b));
}

result<std::uint32_t> schema_compiler::add(schema_node node) {
  if (out_.nodes.size() >= limits_.nodes_max) {
    return make_error(error_code::too_large, "output_schema: more than " + std::to_string(limits_.nodes_max) + " schema nodes");
  }
  out_.nodes.push_back(std::move(node));
  return static_cast<std::uint32_t>(out_.nodes.size() - 1);
}

// {} / true: any JSON value, as the alternatives of one node that its containers refer back to.
result<std::uint32_t> schema_compiler::any_value() {
  if (any_ != schema_node::none) return any_;
  auto id = add(schema_node{.kind = schema_kind::any_of});
  if (!id.ok()) return id;
  any_ = *id;
  std::vector<std::uint32_t> alternatives;
  auto text = add(schema_node{.kind = schema_kind::string});
  auto number = add(schema_node{.kind = schema_kind::number});
  auto constants = literals({"true", "false", "null"}, "#");
  if (!text.ok() || !number.ok() || !constants.ok()) return make_error(error_code::too_large, "output_schema: too many nodes");
  auto free_object = add(schema_node{.kind = schema_kind::object, .free_keys = true, .free_key = *text, .free_value = any_});
  auto free_array = add(schema_node{.kind = schema_kind::array, .items = any_});
  if (!free_object.ok() || !free_array.ok()) return make_error(error_code::too_large, "output_schema: too many nodes");
  out_.nodes[any_].alternatives = {*text, *number, *constants, *free_object, *free_array};
  return any_;
}

result<std::uint32_t> schema_compiler::reference(const json& target, const std::string& at,
                                                 const std::vector<std::string>& types) {
  if (!target.is_string() || target.get<std::string>().empty() || target.get<std::string>()[0] != '#') {
    return unsupported_schema("'$ref' at " + at + " is not supported unless it points into the same schema (\"#/$defs/...\")");
  }
  const std::string pointer = target.get<std::string>();
  const std::string key = types.empty() ? pointer : pointer + " as " + json(types).dump();
  if (const auto known = references_.find(key); known != references_.end()) return known->second;
  const json* resolved = nullptr;
  try {
    const json::json_pointer path(pointer.substr(1));
    if (document_.contains(path)) resolved = &document_.at(path);
  } catch (const json::exception&) {
  }
  if (resolved == nullptr) return invalid_schema(at, "'$ref' " + pointer + " names nothing in the schema");
  json narrowed;
  if (!types.empty()) {
    auto allowed = narrowed_to(*resolved, types);
    if (!allowed) return invalid_schema(at, "'$ref' " + pointer + " allows no value of the 'type' beside it");
    narrowed = std::move(*allowed);
    resolved = &narrowed;
  }
  // The alias node exists before its target compiles, so a recursive $ref finds it.
  auto alias = add(schema_node{.kind = schema_kind::any_of});
  if (!alias.ok()) return alias;
  references_.emplace(key, *alias);
  auto compiled = compile(*resolved, pointer);
  if (!compiled.ok()) return compiled;
  out_.nodes[*alias].alternatives = {*compiled};
  return *alias;
}

result<std::uint32_t> schema_compiler::any_of(const json& alternatives, const std::string& at,
                                              const std::vector<std::string>& types) {
  if (!alternatives.is_array() || alternatives.empty()) return invalid_schema(at, "'anyOf' must be a non-empty array");
  schema_node node{.kind = schema_kind::any_of};
  for (std::size_t i = 0; i < alternatives.size(); ++i) {
    const auto narrowed = types.empty() ? std::optional<json>(alternatives[i]) : narrowed_to(alternatives[i], types);
    if (!narrowed) continue;  // none of its values has the type beside the anyOf
    auto alternative = compile(*narrowed, child_pointer(at, std::to_string(i)));
    if (!alternative.ok()) return alternative;
    node.alternatives.push_back(*alternative);
  }
  if (node.alternatives.empty()) return invalid_schema(at, "no alternative of 'anyOf' allows the 'type' beside it");
  return add(std::move(node));
}

result<std::uint32_t> schema_compiler::add_trie(std::vector<std::string> texts) {
  for (const std::string& text : texts) literal_bytes_ += text.size();
  if (literal_bytes_ > limits_.literal_bytes_max) {
    return make_error(error_code::too_large, "output_schema: enum, const and property names exceed " +
                                                 std::to_string(limits_.literal_bytes_max) + " bytes");
  }
  out_.tries.emplace_back(texts);
  return static_cast<std::uint32_t>(out_.tries.size() - 1);
}

result<std::uint32_t> schema_compiler::literals(std::vector<std::string> texts, const std::string& at) {
  if (texts.empty()) return invalid_schema(at, "no value of 'enum'/'const' has the schema's type");
  auto trie = add_trie(std::move(texts));
  if (!trie.ok()) return trie;
  return add(schema_node{.kind = schema_kind::literals, .trie = *trie});
}

// enum / const, filtered by `type` when the schema names one.
result<std::uint32_t> schema_compiler::enumeration(const json& schema, const std::string& at) {
  for (const auto& [key, value] : schema.items()) {
    if (key != "enum" && key != "const" && key != "type" && !is_annotation(key)) {
      return unsupported_schema("'" + key + "' beside 'enum'/'const' at " + at + " is not supported");
    }
  }
  std::vector<std::string> types;
  if (const auto type = schema.find("type"); type != schema.end()) {
    auto named = type_names(*type);
    if (!named || named->empty()) return invalid_schema(child_pointer(at, "type"), bad_type(*type));
    types = *named;
  }
  // Each value with its place (its numbers' texts are kept by JSON pointer).
  std::vector<std::pair<const json*, std::string>> values;
  if (const auto e = schema.find("enum"); e != schema.end()) {
    if (!e->is_array()) return invalid_schema(child_pointer(at, "enum"), "'enum' must be an array");
    for (std::size_t i = 0; i < e->size(); ++i) values.emplace_back(&(*e)[i], child_pointer(child_pointer(at, "enum"), std::to_string(i)));
  }
  if (const auto c = schema.find("const"); c != schema.end()) {
    const std::string where = child_pointer(at, "const");
    if (schema.contains("enum")) {
      std::erase_if(values, [&](const auto& v) { return !same_value(*v.first, v.second, *c, where); });
    } else {
      values = {{&*c, where}};
    }
  }
  std::vector<std::string> texts;
  for (const auto& [value, where] : values) {
    const auto has_type = [&](const std::string& t) {
      if (t == "integer" && value->is_number_float()) return decimal_is_integer(number_text(*value, where));
      return value_has_type(*value, t);
    };
    if (!types.empty() && std::none_of(types.begin(), types.end(), has_type)) continue;
    auto text = compact(*value, where);
    if (!text) return invalid_schema(at, "an enum/const string is not UTF-8");
    if (std::find(texts.begin(), texts.end(), *text) == texts.end()) texts.push_back(std::move(*text));
  }
  return literals(std::move(texts), at);
}

result<std::uint32_t> schema_compiler::compile(const json& schema, const std::string& at) {
  if (schema.is_boolean()) {
    if (schema.get<bool>()) return any_value();
    return invalid_schema(at, "the schema 'false' admits no value");
  }
  if (!schema.is_object()) return invalid_schema(at, "a schema must be an object or a boolean");
  for (const auto& [key, value] : schema.items()) {
    if (!is_annotation(key) && !is_supported_keyword(key)) {
      return unsupported_schema("'" + key + "' at " + child_pointer(at, key) + " is not supported");
    }
  }
  for (const char* combinator : {"$ref", "anyOf"}) {
    const auto found = schema.find(combinator);
    if (found == schema.end()) continue;
    for (const auto& [key, value] : schema.items()) {
      if (key != combinator && key != "type" && !is_annotation(key)) {
        return unsupported_schema("'" + key + "' beside '" + combinator + "' at " + at + " is not supported");
      }
    }
    std::vector<std::string> types;  // a `type` beside it: only its values (both must hold)
    if (const auto type = schema.find("type"); type != schema.end()) {
      auto named = type_names(*type);
      if (!named || named->empty()) return invalid_schema(child_pointer(at, "type"), bad_type(*type));
      types = *named;
    }
    return std::string_view(combinator) == "$ref" ? reference(*found, child_pointer(at, "$ref"), types)
                                                  : any_of(*found, child_pointer(at, "anyOf"), types);
  }
  if (schema.contains("enum") || schema.contains("const")) return enumeration(schema, at);
  std::vector<std::string> types;
  if (const auto type = schema.find("type"); type != schema.end()) {
    auto named = type_names(*type);
    if (!named || named->empty()) return invalid_schema(child_pointer(at, "type"), bad_type(*type));
    types = *named;
  } else {
    types = implied_types(schema);
    if (types.empty()) return any_value();
  }
  if (types.size() == 1) return typed(schema, types[0], at);
  schema_node node{.kind = schema_kind::any_of};
  for (const std::string& type : types) {
    auto alternative = typed(schema, type, at);
    if (!alternative.ok()) return alternative;
    node.alternatives.push_back(*alternative);
  }
  return add(std::move(node));
}

result<std::uint32_t> schema_compiler::typed(const json& schema, const std::string& type, const std::string& at) {
  if (type == "object") return object(schema, at);
  if (type == "array") return array(schema, at);
  if (type == "string") return string(schema, at);
  if (type == "number" || type == "integer") return number(schema, type == "integer", at);
  if (type == "boolean") return literals({"true", "false"}, at);
  if (type == "null") return literals({"null"}, at);
  return invalid_schema(child_pointer(at, "type"), "unknown type '" + type + "'");
}

result<compiled_schema> compile_json_schema(std::string_view schema_text, std::string prefix, std::string suffix,
                                            const json_schema_limits& limits) {
  if (schema_text.size() > limits.text_bytes_max) {
    return make_error(error_code::too_large, "output_schema: the schema has " + std::to_string(schema_text.size()) +
                                                 " bytes, more than " + std::to_string(limits.text_bytes_max));
  }
  if (prefix.size() > limits.affix_bytes_max || suffix.size() > limits.affix_bytes_max) {
    return make_error(error_code::too_large, "output_prefix/output_suffix: more than " +
                                                 std::to_string(limits.affix_bytes_max) + " bytes");
  }
  if (!json_nesting_within(schema_text)) {
    return make_error(error_code::invalid_argument, "output_schema: objects and arrays nest deeper than " +
                                                        std::to_string(json_depth_max) + " levels");
  }
  // Parsed keeping each number's text: a bound or multipleOf past a double's precision is read as written.
  const auto parsed = parse_keeping_number_texts(schema_text);
  if (!parsed.ok()) return make_error(error_code::invalid_argument, "output_schema is not JSON: " + parsed.err().message);
  const json& document = parsed->value;
  schema_compiler compiler(document, parsed->texts, limits);
  auto root = compiler.compile(document, "#");
  if (!root.ok()) return root.err();
  compiled_schema& out = compiler.out();
  out.root = *root;
  out.prefix = std::move(prefix);
  out.suffix = std::move(suffix);
  IG_TRY(finish_schema_graph(out));
  return std::move(out);
}

}  // namespace infergrid::model

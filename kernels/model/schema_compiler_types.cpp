// schema_compiler's per-type builders: object, array, string, number/integer.
#include <algorithm>
#include <cmath>
#include <optional>

#include "kernels/model/schema_compiler.hpp"
#include "kernels/model/decimal_text.hpp"
#include "kernels/model/regex_intersection.hpp"
#include "kernels/model/regex_length.hpp"
#include "kernels/model/string_formats.hpp"

namespace infergrid::model {
namespace {

using json = schema_compiler::json;

// A non-negative integer keyword (minLength, maxItems, ...), or `absent` when the schema has none.
result<std::uint32_t> count_keyword(const json& schema, const char* keyword, const std::string& at, std::uint32_t absent) {
  const auto found = schema.find(keyword);
  if (found == schema.end()) return absent;
  double value = -1;
  if (found->is_number()) value = found->get<double>();
  if (!(value >= 0) || std::floor(value) != value) {
    return invalid_schema(child_pointer(at, keyword), std::string("'") + keyword + "' must be a non-negative integer");
  }
  return static_cast<std::uint32_t>(std::min(value, static_cast<double>(schema_node::unlimited - 1)));
}

// "pattern" or "format", from the JSON pointer of one of them.
std::string keyword_at(const std::string& where) { return where.substr(where.rfind('/') + 1); }

std::string range_text(const json& schema, const char* low, const char* high) {
  return std::string("no value fits '") + low + "'/'" + high + "' (" + schema.value(low, json()).dump() + " > " +
         schema.value(high, json()).dump() + ")";
}

}  // namespace

result<std::uint32_t> schema_compiler::object(const json& schema, const std::string& at) {
  schema_node node{.kind = schema_kind::object};
  std::vector<std::string> names;
  if (const auto properties = schema.find("properties"); properties != schema.end()) {
    if (!properties->is_object()) return invalid_schema(child_pointer(at, "properties"), "'properties' must be an object");
    for (const auto& [name, value] : properties->items()) {
      auto compiled = compile(value, child_pointer(child_pointer(at, "properties"), name));
      if (!compiled.ok()) return compiled;
      node.properties.push_back({*compiled, false});
      names.push_back(name);
    }
  }
  if (const auto required = schema.find("required"); required != schema.end()) {
    if (!required->is_array()) return invalid_schema(child_pointer(at, "required"), "'required' must be an array of names");
    for (const json& name : *required) {
      const auto found = name.is_string() ? std::find(names.begin(), names.end(), name.get<std::string>()) : names.end();
      if (found == names.end()) {
        return unsupported_schema("'required' at " + child_pointer(at, "required") + " names " + name.dump() +
                                  ", which 'properties' does not declare");
      }
      node.properties[static_cast<std::size_t>(found - names.begin())].required = true;
    }
  }
  const auto additional = schema.find("additionalProperties");
  if (additional != schema.end() && !additional->is_boolean() && !additional->is_object()) {
    return invalid_schema(child_pointer(at, "additionalProperties"), "'additionalProperties' must be a boolean or a schema");
  }
  // Free keys only for a bare object ({"type":"object"}) or an explicit additionalProperties true/schema:
  // `properties: {}` without additionalProperties (the usual no-argument tool) writes `{}`, as
  // llama.cpp's grammar does; that is valid either way, and a model cannot ramble in made-up keys.
  const bool declares = schema.contains("properties");
  const bool explicit_extra = additional != schema.end() && !(additional->is_boolean() && !additional->get<bool>());
  const bool closed = declares ? !explicit_extra : (additional != schema.end() && !explicit_extra);
  if (names.empty() && !closed) {
    // No declared properties: a map with any string keys, each value valid against additionalProperties.
    node.free_keys = true;
    auto key = add(schema_node{.kind = schema_kind::string});
    if (!key.ok()) return key;
    node.free_key = *key;
    auto value = additional == schema.end() ? any_value() : compile(*additional, child_pointer(at, "additionalProperties"));
    if (!value.ok()) return value;
    node.free_value = *value;
    return add(std::move(node));
  }
  std::vector<std::string> keys;
  for (const std::string& name : names) {
    try {
      keys.push_back(json(name).dump());
    } catch (const json::exception&) {
      return invalid_schema(child_pointer(at, "properties"), "a property name is not UTF-8");
    }
  }
  auto trie = add_trie(std::move(keys));
  if (!trie.ok()) return trie;
  node.trie = *trie;
  node.next_required.assign(node.properties.size() + 1, schema_node::none);
  for (std::size_t i = node.properties.size(); i-- > 0;) {
    node.next_required[i] = node.properties[i].required ? static_cast<std::uint32_t>(i) : node.next_required[i + 1];
  }
  return add(std::move(node));
}

result<std::uint32_t> schema_compiler::array(const json& schema, const std::string& at) {
  schema_node node{.kind = schema_kind::array};
  if (const auto prefix = schema.find("prefixItems"); prefix != schema.end()) {
    if (!prefix->is_array()) return invalid_schema(child_pointer(at, "prefixItems"), "'prefixItems' must be an array of schemas");
    for (std::size_t i = 0; i < prefix->size(); ++i) {
      auto item = compile((*prefix)[i], child_pointer(child_pointer(at, "prefixItems"), std::to_string(i)));
      if (!item.ok()) return item;
      node.prefix_items.push_back(*item);
    }
  }
  const auto items = schema.find("items");
  if (items != schema.end() && items->is_array()) {
    return unsupported_schema("'items' as an array at " + child_pointer(at, "items") + " is not supported (use 'prefixItems')");
  }
  if (items == schema.end() || !(items->is_boolean() && !items->get<bool>())) {
    auto item = items == schema.end() ? any_value() : compile(*items, child_pointer(at, "items"));
    if (!item.ok()) return item;
    node.items = *item;
  }
  auto min_items = count_keyword(schema, "minItems", at, 0);
  auto max_items = count_keyword(schema, "maxItems", at, schema_node::unlimited);
  if (!min_items.ok()) return min_items;
  if (!max_items.ok()) return max_items;
  node.min_items = *min_items;
  node.max_items = *max_items;
  if (node.items == schema_node::none) node.max_items = std::min(node.max_items, static_cast<std::uint32_t>(node.prefix_items.size()));
  if (node.min_items > node.max_items) {
    return invalid_schema(at, "no array fits: 'minItems' " + std::to_string(node.min_items) + " exceeds the " +
                                  std::to_string(node.max_items) + " items 'maxItems'/'items' allow");
  }
  return add(std::move(node));
}

result<std::uint32_t> schema_compiler::string(const json& schema, const std::string& at) {
  auto min_length = count_keyword(schema, "minLength", at, 0);
  auto max_length = count_keyword(schema, "maxLength", at, schema_node::unlimited);
  if (!min_length.ok()) return min_length;
  if (!max_length.ok()) return max_length;
  if (*min_length > *max_length) return invalid_schema(at, range_text(schema, "minLength", "maxLength"));
  auto pattern_index = pattern(schema, *min_length, *max_length, at);
  if (!pattern_index.ok()) return pattern_index;
  return add(schema_node{.kind = schema_kind::string, .min_length = *min_length, .max_length = *max_length, .pattern = *pattern_index});
}

// A string's pattern and/or format as one automaton (both: their intersection, so both hold); a
// length beside it is a count the stepper keeps (regex_length.hpp), checked against the automaton's
// match distances so that neither can strand the writer.
result<std::uint32_t> schema_compiler::pattern(const json& schema, std::uint32_t min_length, std::uint32_t max_length,
                                               const std::string& at) {
  const auto pattern = schema.find("pattern");
  const auto format = schema.find("format");
  if (pattern == schema.end() && format == schema.end()) return schema_node::none;
  const std::string where = pattern != schema.end() ? child_pointer(at, "pattern") : child_pointer(at, "format");
  const auto failed = [&](error_code code, const std::string& what) {
    return make_error(code, "output_schema: '" + keyword_at(where) + "' at " + where + ": " + what);
  };
  auto index = pattern_index(pattern == schema.end() ? nullptr : &*pattern, format == schema.end() ? nullptr : &*format, at);
  if (!index.ok()) return index;
  const regex_dfa& dfa = out_.patterns[*index];
  // Bounds every match already keeps add nothing (a format's fixed shape under a generous maxLength).
  const auto [shortest, longest] = match_length_range(dfa);
  const bool bounds_matter = min_length > shortest || (max_length != schema_node::unlimited && max_length < longest);
  if (!bounds_matter) return index;
  match_distances& distances = out_.pattern_lengths[*index];
  if (distances.empty()) {
    regex_limits limits = limits_.pattern;
    limits.dfa_cells_max = static_cast<std::uint32_t>(std::min<std::size_t>(limits.dfa_cells_max, cells_left()));
    auto built = match_distances_of(dfa, limits);
    if (!built.ok()) return failed(built.err().code, built.err().message);
    pattern_cells_ += built->next.size();
    distances = std::move(*built);
  }
  if (!distances.reaches(regex_dfa::start, min_length, max_length)) {  // unlimited is UINT32_MAX: any
    return failed(error_code::invalid_argument, "no string of minLength..maxLength characters matches the " +
                                                    std::string(pattern != schema.end() && format != schema.end() ? "pattern and format" : keyword_at(where)));
  }
  return index;
}

std::size_t schema_compiler::cells_left() const {
  return limits_.pattern_cells_max - std::min(pattern_cells_, limits_.pattern_cells_max);
}

// The automaton of a `pattern`, a `format` or both (their intersection), compiled once per schema.
result<std::uint32_t> schema_compiler::pattern_index(const json* pattern, const json* format, const std::string& at) {
  std::string key;
  std::string texts[2];
  const json* values[2] = {pattern, format};
  const char* keywords[2] = {"pattern", "format"};
  for (int i = 0; i < 2; ++i) {
    if (values[i] == nullptr) continue;
    const std::string where = child_pointer(at, keywords[i]);
    if (!values[i]->is_string()) return invalid_schema(where, std::string("'") + keywords[i] + "' must be a string");
    texts[i] = values[i]->get<std::string>();
    if (i == 1) {
      const auto predefined = format_pattern(texts[i]);
      if (!predefined) {
        return unsupported_schema("'format' " + values[i]->dump() + " at " + where + " is not supported (only " +
                                  supported_format_names() + ")");
      }
      texts[i] = std::string(*predefined);
    }
    key += std::string(keywords[i]) + " " + texts[i] + "\n";
  }
  if (const auto known = patterns_.find(key); known != patterns_.end()) return known->second;
  regex_limits limits = limits_.pattern;
  limits.dfa_cells_max = static_cast<std::uint32_t>(std::min<std::size_t>(limits.dfa_cells_max, cells_left()));
  std::optional<regex_dfa> combined;
  for (int i = 0; i < 2; ++i) {
    if (values[i] == nullptr) continue;
    const std::string where = child_pointer(at, keywords[i]);
    auto dfa = compile_regex(texts[i], limits);
    if (dfa.ok() && combined) dfa = intersection(*combined, *dfa, "no string matches both 'pattern' and 'format'", limits);
    if (!dfa.ok()) return make_error(dfa.err().code, "output_schema: '" + std::string(keywords[i]) + "' at " + where + ": " + dfa.err().message);
    combined = std::move(*dfa);
  }
  pattern_cells_ += combined->next.size();
  out_.patterns.push_back(std::move(*combined));
  out_.pattern_lengths.emplace_back();
  const auto index = static_cast<std::uint32_t>(out_.patterns.size() - 1);
  patterns_.emplace(key, index);
  return index;
}

result<std::uint32_t> schema_compiler::number(const json& schema, bool integer, const std::string& at) {
  number_range range{.minimum = -units_unbounded, .maximum = units_unbounded, .integer = integer};
  struct bound {
    const char* keyword;
    bound_side side;
    bool exclusive;
  };
  for (const bound& b : {bound{"minimum", bound_side::lower, false}, bound{"exclusiveMinimum", bound_side::lower, true},
                         bound{"maximum", bound_side::upper, false}, bound{"exclusiveMaximum", bound_side::upper, true}}) {
    const auto found = schema.find(b.keyword);
    if (found == schema.end()) continue;
    if (!found->is_number()) {
      return invalid_schema(child_pointer(at, b.keyword), std::string("'") + b.keyword + "' must be a number" +
                                                             (found->is_boolean() ? " (draft-4 boolean form is not supported)" : ""));
    }
    const auto units = bound_units(number_text(*found, child_pointer(at, b.keyword)), b.side, b.exclusive);
    if (!units) return invalid_schema(child_pointer(at, b.keyword), "unreadable number");
    if (b.side == bound_side::lower) range.minimum = std::max(range.minimum, *units);
    else range.maximum = std::min(range.maximum, *units);
  }
  if (const auto step = schema.find("multipleOf"); step != schema.end()) {
    const std::string where = child_pointer(at, "multipleOf");
    const std::string text = step->is_number() ? number_text(*step, where) : std::string();
    const auto decimal = parse_decimal(text);
    if (!decimal || decimal->negative || decimal->mantissa.empty()) {
      return invalid_schema(where, "'multipleOf' must be a number greater than 0");
    }
    const auto units = step_units(text);
    if (!units) return unsupported_schema("'multipleOf' " + text + " at " + where + " has more than 36 significant digits");
    range.multiple = *units;
  }
  if (!range_admits_a_number(range)) {
    return invalid_schema(at, std::string("no ") + (integer ? "integer" : "number") +
                                  " of at most 15 digits lies within minimum/maximum/exclusiveMinimum/exclusiveMaximum" +
                                  (range.multiple != 0 ? " and is a multiple of 'multipleOf'" : ""));
  }
  return add(schema_node{.kind = schema_kind::number, .range = range});
}

}  // namespace infergrid::model

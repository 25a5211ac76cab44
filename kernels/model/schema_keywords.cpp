#include "kernels/model/schema_keywords.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace infergrid::model {
namespace {

constexpr std::array<std::string_view, 13> annotations = {
    "description", "title",    "default",  "examples",  "$schema", "$id",         "$comment",
    "strict",      "deprecated", "readOnly", "writeOnly", "$defs",   "definitions",
};

// keyword -> the type it applies to ("" = any type)
struct keyword_row {
  std::string_view keyword;
  std::string_view type;
};
constexpr std::array<keyword_row, 21> supported = {{
    {"type", ""},
    {"enum", ""},
    {"const", ""},
    {"anyOf", ""},
    {"$ref", ""},
    {"properties", "object"},
    {"required", "object"},
    {"additionalProperties", "object"},
    {"items", "array"},
    {"prefixItems", "array"},
    {"minItems", "array"},
    {"maxItems", "array"},
    {"minLength", "string"},
    {"maxLength", "string"},
    {"pattern", "string"},
    {"format", "string"},
    {"minimum", "number"},
    {"maximum", "number"},
    {"exclusiveMinimum", "number"},
    {"exclusiveMaximum", "number"},
    {"multipleOf", "number"},
}};

constexpr std::array<std::string_view, 7> types = {"object", "array", "string", "number", "integer", "boolean", "null"};

}  // namespace

bool is_annotation(std::string_view keyword) {
  return keyword.starts_with("x-") || std::find(annotations.begin(), annotations.end(), keyword) != annotations.end();
}

bool is_supported_keyword(std::string_view keyword) {
  return std::any_of(supported.begin(), supported.end(), [&](const keyword_row& r) { return r.keyword == keyword; });
}

std::optional<std::vector<std::string>> type_names(const nlohmann::ordered_json& type) {
  std::vector<std::string> names;
  const auto add = [&](const nlohmann::ordered_json& name) {
    if (!name.is_string()) return false;
    const auto text = name.get<std::string>();
    if (std::find(types.begin(), types.end(), text) == types.end()) return false;
    if (std::find(names.begin(), names.end(), text) == names.end()) names.push_back(text);
    return true;
  };
  if (type.is_array()) {
    for (const auto& name : type) {
      if (!add(name)) return std::nullopt;
    }
  } else if (!add(type)) {
    return std::nullopt;
  }
  return names;
}

std::vector<std::string> implied_types(const nlohmann::ordered_json& schema) {
  std::vector<std::string> implied;
  for (const keyword_row& row : supported) {
    if (row.type.empty() || !schema.contains(row.keyword)) continue;
    if (std::find(implied.begin(), implied.end(), row.type) == implied.end()) implied.emplace_back(row.type);
  }
  return implied;
}

bool value_has_type(const nlohmann::ordered_json& value, std::string_view type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "number") return value.is_number();
  if (type == "integer") {
    return value.is_number_integer() || (value.is_number_float() && std::isfinite(value.get<double>()) &&
                                         std::floor(value.get<double>()) == value.get<double>());
  }
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  return false;
}

namespace {

bool allows(const std::vector<std::string>& types, const std::string& type) {
  const auto has = [&](std::string_view name) { return std::find(types.begin(), types.end(), name) != types.end(); };
  return has(type) || (type == "integer" && has("number"));
}

bool some_value_has(const nlohmann::ordered_json& schema, const std::vector<std::string>& types) {
  const auto constant = schema.find("const");
  const auto values = schema.find("enum");
  const auto has = [&](const nlohmann::ordered_json& value) {
    return std::any_of(types.begin(), types.end(), [&](const std::string& type) { return value_has_type(value, type); });
  };
  if (constant != schema.end()) return has(*constant);
  if (!values->is_array()) return true;  // malformed: the compiler says so
  return std::any_of(values->begin(), values->end(), has);
}

}  // namespace

std::vector<std::string> common_types(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> out;
  for (const auto& [side, other] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
    for (const std::string& type : *side) {
      if (allows(*other, type) && std::find(out.begin(), out.end(), type) == out.end()) out.push_back(type);
    }
  }
  return out;
}

std::optional<nlohmann::ordered_json> narrowed_to(const nlohmann::ordered_json& schema, const std::vector<std::string>& types) {
  using json = nlohmann::ordered_json;
  if (schema.is_boolean()) {
    if (!schema.get<bool>()) return std::nullopt;
    return json{{"type", types.size() == 1 ? json(types[0]) : json(types)}};
  }
  if (!schema.is_object()) return schema;
  std::vector<std::string> kept = types;
  if (const auto type = schema.find("type"); type != schema.end()) {
    const auto named = type_names(*type);
    if (!named) return schema;
    kept = common_types(types, *named);
  } else if (schema.contains("enum") || schema.contains("const")) {
    if (!some_value_has(schema, types)) return std::nullopt;
  } else if (!schema.contains("anyOf") && !schema.contains("$ref")) {
    const auto implied = implied_types(schema);
    if (!implied.empty()) kept = common_types(types, implied);
  }
  if (kept.empty()) return std::nullopt;
  json out = schema;
  out["type"] = kept.size() == 1 ? json(kept[0]) : json(kept);
  return out;
}

}  // namespace infergrid::model

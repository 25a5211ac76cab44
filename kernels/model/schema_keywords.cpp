#include "kernels/model/schema_keywords.hpp"

#include <algorithm>
#include <array>
#include <cmath>

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
constexpr std::array<keyword_row, 18> supported = {{
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
    {"minimum", "number"},
    {"maximum", "number"},
    {"exclusiveMinimum", "number"},
    {"exclusiveMaximum", "number"},
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

}  // namespace infergrid::model

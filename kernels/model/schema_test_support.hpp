#pragma once
// Test helpers for structured outputs: an independent JSON Schema checker (written from the spec,
// sharing no code with the recogniser) and a seeded generator of random schemas in the supported
// subset (nested objects, arrays, enums, numbers with ranges, required/optional, anyOf, $ref).
#include <cmath>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

namespace infergrid::model::testing_support {

using ordered_json = nlohmann::ordered_json;

inline std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

__extension__ typedef __int128 wide_integer;  // GCC/Clang 128-bit integer

// A JSON number's text as integer * 10^exponent (at most 36 significant digits).
struct scaled_decimal {
  wide_integer integer = 0;
  int exponent = 0;
};
inline scaled_decimal scaled(const std::string& text) {
  scaled_decimal out;
  std::size_t i = text[0] == '-' ? 1 : 0;
  for (bool dot = false; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i) {
    if (text[i] == '.') {
      dot = true;
      continue;
    }
    out.integer = out.integer * 10 + (text[i] - '0');
    if (dot) --out.exponent;
  }
  if (i < text.size()) out.exponent += std::stoi(text.substr(i + 1));
  return out;
}

// value / step is a whole number, in exact decimal arithmetic (the spec's multipleOf).
inline bool decimal_multiple(const std::string& value, const std::string& step) {
  scaled_decimal v = scaled(value), m = scaled(step);
  const int common = std::min(v.exponent, m.exponent);
  for (; v.exponent > common; --v.exponent) v.integer *= 10;
  for (; m.exponent > common; --m.exponent) m.integer *= 10;
  return v.integer % m.integer == 0;
}

// The sign of a - b (-1, 0 or 1) in exact decimal arithmetic, for JSON number texts that fit 36
// digits once written with the exponent of the finer one.
inline int decimal_compare(const std::string& a, const std::string& b) {
  scaled_decimal x = scaled(a), y = scaled(b);
  if (a[0] == '-') x.integer = -x.integer;
  if (b[0] == '-') y.integer = -y.integer;
  const int common = std::min(x.exponent, y.exponent);
  for (; x.exponent > common; --x.exponent) x.integer *= 10;
  for (; y.exponent > common; --y.exponent) y.integer *= 10;
  return (x.integer > y.integer) - (x.integer < y.integer);
}

// `value` is valid against `schema` (within `document`, for $ref), as a JSON Schema validator
// comparing numbers as doubles decides (multipleOf in exact decimal arithmetic, as the spec says).
inline bool schema_accepts(const nlohmann::json& value, const ordered_json& schema, const ordered_json& document) {
  if (schema.is_boolean()) return schema.get<bool>();
  if (schema.contains("$ref")) {
    const std::string ref = schema["$ref"];
    return schema_accepts(value, document.at(ordered_json::json_pointer(ref.substr(1))), document);
  }
  if (schema.contains("anyOf")) {
    bool any = false;
    for (const auto& alternative : schema["anyOf"]) any = any || schema_accepts(value, alternative, document);
    if (!any) return false;
  }
  if (schema.contains("enum")) {
    bool any = false;
    for (const auto& e : schema["enum"]) any = any || nlohmann::json::parse(e.dump()) == value;
    if (!any) return false;
  }
  if (schema.contains("const") && nlohmann::json::parse(schema["const"].dump()) != value) return false;
  if (schema.contains("type")) {
    const auto is = [&](const std::string& t) {
      if (t == "object") return value.is_object();
      if (t == "array") return value.is_array();
      if (t == "string") return value.is_string();
      if (t == "number") return value.is_number();
      if (t == "integer") return value.is_number_integer() || (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>());
      if (t == "boolean") return value.is_boolean();
      return t == "null" && value.is_null();
    };
    bool any = false;
    if (schema["type"].is_array()) {
      for (const auto& t : schema["type"]) any = any || is(t.get<std::string>());
    } else {
      any = is(schema["type"].get<std::string>());
    }
    if (!any) return false;
  }
  if (value.is_number()) {
    const double v = value.get<double>();
    if (schema.contains("minimum") && !(v >= schema["minimum"].get<double>())) return false;
    if (schema.contains("maximum") && !(v <= schema["maximum"].get<double>())) return false;
    if (schema.contains("exclusiveMinimum") && !(v > schema["exclusiveMinimum"].get<double>())) return false;
    if (schema.contains("exclusiveMaximum") && !(v < schema["exclusiveMaximum"].get<double>())) return false;
    if (schema.contains("multipleOf") && !decimal_multiple(value.dump(), schema["multipleOf"].dump())) return false;
  }
  if (value.is_string()) {
    const std::size_t n = code_points(value.get<std::string>());
    if (schema.contains("minLength") && n < schema["minLength"].get<std::size_t>()) return false;
    if (schema.contains("maxLength") && n > schema["maxLength"].get<std::size_t>()) return false;
  }
  if (value.is_array()) {
    const std::size_t n = value.size();
    if (schema.contains("minItems") && n < schema["minItems"].get<std::size_t>()) return false;
    if (schema.contains("maxItems") && n > schema["maxItems"].get<std::size_t>()) return false;
    const std::size_t prefix = schema.contains("prefixItems") ? schema["prefixItems"].size() : 0;
    for (std::size_t i = 0; i < n; ++i) {
      const ordered_json& item = i < prefix ? schema["prefixItems"][i] : schema.value("items", ordered_json(true));
      if (!schema_accepts(value[i], item, document)) return false;
    }
  }
  if (value.is_object()) {
    const ordered_json properties = schema.value("properties", ordered_json::object());
    for (const auto& name : schema.value("required", ordered_json::array())) {
      if (!value.contains(name.get<std::string>())) return false;
    }
    for (const auto& [key, item] : value.items()) {
      if (properties.contains(key)) {
        if (!schema_accepts(item, properties[key], document)) return false;
      } else if (!schema_accepts(item, schema.value("additionalProperties", ordered_json(true)), document)) {
        return false;
      }
    }
  }
  return true;
}

// A random schema of the supported subset; `depth` bounds its nesting.
class schema_generator {
 public:
  explicit schema_generator(std::uint32_t seed) : rng_(seed) {}

  ordered_json document() {
    ordered_json root = value(3);
    if (pick(4) == 0) {  // a recursive $defs entry
      ordered_json wrapper = {{"type", "object"}, {"properties", ordered_json::object()}, {"additionalProperties", false}};
      wrapper["properties"]["node"] = {{"$ref", "#/$defs/node"}};
      wrapper["required"] = {"node"};
      wrapper["$defs"]["node"] = {{"type", "object"},
                                  {"properties", {{"label", value(1)}, {"next", {{"anyOf", {{{"$ref", "#/$defs/node"}}, {{"type", "null"}}}}}}}},
                                  {"required", {"label", "next"}},
                                  {"additionalProperties", false}};
      return wrapper;
    }
    return root;
  }

 private:
  std::uint32_t pick(std::uint32_t n) { return std::uniform_int_distribution<std::uint32_t>(0, n - 1)(rng_); }

  ordered_json number_schema() {
    const bool integer = pick(2) == 0;
    ordered_json s = {{"type", integer ? "integer" : "number"}};
    const double scales[] = {1, 10, 1000, 0.5, 0.01, 1e6};
    const double low = std::round((static_cast<double>(pick(2001)) - 1000.0) * scales[pick(6)] * 100) / 100;
    const double width = static_cast<double>(1 + pick(500)) * scales[pick(6)];
    switch (pick(4)) {
      case 0: s["minimum"] = integer ? std::ceil(low) : low; s["maximum"] = integer ? std::ceil(low) + std::ceil(width) : low + width; break;
      case 1: s["exclusiveMinimum"] = low; s["exclusiveMaximum"] = low + width + 1; break;
      case 2: s["minimum"] = integer ? std::ceil(low) : low; break;
      default: break;
    }
    const double steps[] = {3, 0.25, 0.01, 7, 0.3};  // only without an upper bound: always satisfiable
    if (!s.contains("maximum") && !s.contains("exclusiveMaximum") && pick(2) == 0) s["multipleOf"] = steps[pick(5)];
    return s;
  }

  ordered_json value(int depth) {
    const std::uint32_t kind = depth > 0 ? pick(9) : 3 + pick(6);
    switch (kind) {
      case 0:
      case 1: {
        ordered_json s = {{"type", "object"}, {"properties", ordered_json::object()}, {"additionalProperties", false}};
        ordered_json required = ordered_json::array();
        const std::uint32_t n = 1 + pick(4);
        for (std::uint32_t i = 0; i < n; ++i) {
          const std::string name = std::string(1, static_cast<char>('a' + pick(6))) + std::to_string(i);
          s["properties"][name] = value(depth - 1);
          if (pick(3) != 0) required.push_back(name);
        }
        s["required"] = required;
        return s;
      }
      case 2: {
        ordered_json s = {{"type", "array"}, {"items", value(depth - 1)}};
        const std::uint32_t low = pick(3);
        if (pick(2) == 0) s["minItems"] = low;
        if (pick(2) == 0) s["maxItems"] = low + pick(3);
        return s;
      }
      case 3: {
        ordered_json s = {{"type", "string"}};
        if (pick(2) == 0) s["minLength"] = pick(4);
        if (pick(2) == 0) s["maxLength"] = s.value("minLength", 0u) + pick(12);
        return s;
      }
      case 4: return number_schema();
      case 5: {
        ordered_json values = ordered_json::array();
        const char* words[] = {"red", "green", "blue", "rouge", "\xc3\xa9t\xc3\xa9", "a\"quote", "", "r"};
        for (std::uint32_t i = 0, n = 1 + pick(4); i < n; ++i) values.push_back(words[pick(8)]);
        if (pick(3) == 0) values.push_back(static_cast<int>(pick(20)) - 5);
        if (pick(4) == 0) values.push_back(nullptr);
        return {{"enum", values}};
      }
      case 6: return {{"type", pick(2) == 0 ? "boolean" : "null"}};
      case 7: return {{"type", {"string", "null"}}, {"maxLength", 1 + pick(8)}};
      default: {
        ordered_json alternatives = ordered_json::array();
        for (std::uint32_t i = 0, n = 2 + pick(2); i < n; ++i) alternatives.push_back(value(depth - 1));
        return {{"anyOf", alternatives}};
      }
    }
  }

  std::mt19937 rng_;
};

}  // namespace infergrid::model::testing_support

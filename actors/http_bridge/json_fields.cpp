#include "actors/http_bridge/json_fields.hpp"

#include <cmath>
#include <string>

#include "kernels/model/json_nesting.hpp"

namespace infergrid::http {
namespace {

template <class Json>
const Json* member(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string range_text(double minimum, double maximum) {
  auto format = [](double v) {
    std::string text = std::to_string(v);
    while (!text.empty() && text.back() == '0') text.pop_back();
    if (!text.empty() && text.back() == '.') text.pop_back();
    return text;
  };
  return format(minimum) + " and " + format(maximum);
}

// nlohmann's text, e.g. "[json.exception.parse_error.101] parse error at line 1, column 9: syntax error while
// parsing object separator - unexpected '}'; expected ':'; last read: '...'", without the library's tag and without
// the echo of the client's bytes (they may not be UTF-8, and the answer is JSON).
std::string parse_failure_text(std::string text) {
  if (text.empty()) return "expected one JSON object";
  if (auto tag_end = text.find("] "); text.starts_with("[json.exception.") && tag_end != std::string::npos) {
    text.erase(0, tag_end + 2);
  }
  if (auto echo = text.find("; last read:"); echo != std::string::npos) text.erase(echo);
  return text;
}

// The refusal of a body nested too deep, or none.
std::optional<api_error> too_deep(std::string_view body) {
  if (model::json_nesting_within(body)) return std::nullopt;
  return invalid_json("objects and arrays nest deeper than " + std::to_string(model::json_depth_max) + " levels");
}

// The refusal of a parsed body that is no JSON object, or none.
template <class Json>
std::optional<api_error> not_an_object(const Json& document) {
  if (document.is_discarded()) return invalid_json("expected one JSON object");
  if (!document.is_object()) {  // valid JSON, so not invalid_json's words
    return api_error{400, "The request body must be a JSON object, not a JSON " + std::string(document.type_name()) + ".",
                     "invalid_request_error", "", "invalid_json"};
  }
  return std::nullopt;
}

}  // namespace

std::variant<nlohmann::json, api_error> parse_json_object(std::string_view body) {
  if (auto refused = too_deep(body)) return *refused;
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(body.begin(), body.end());
  } catch (const nlohmann::json::parse_error& e) {
    return invalid_json(parse_failure_text(e.what()));
  }
  if (auto refused = not_an_object(document)) return *refused;
  return document;
}

std::variant<model::json_with_number_texts, api_error> parse_json_object_keeping_number_texts(std::string_view body) {
  if (auto refused = too_deep(body)) return *refused;
  auto parsed = model::parse_keeping_number_texts(body);
  if (!parsed.ok()) return invalid_json(parse_failure_text(parsed.err().message));
  if (auto refused = not_an_object(parsed->value)) return *refused;
  return std::move(*parsed);
}

template <class Json>
field_result<std::string> read_string(const Json& object, const char* key, const std::string& param) {
  const auto* value = member(object, key);
  if (value == nullptr) return std::optional<std::string>{};
  if (!value->is_string()) return invalid_field(param, "'" + param + "' must be a string.");
  return std::optional<std::string>{value->template get<std::string>()};
}

template <class Json>
field_result<bool> read_bool(const Json& object, const char* key, const std::string& param) {
  const auto* value = member(object, key);
  if (value == nullptr) return std::optional<bool>{};
  if (!value->is_boolean()) return invalid_field(param, "'" + param + "' must be a boolean.");
  return std::optional<bool>{value->template get<bool>()};
}

template <class Json>
field_result<std::int64_t> read_integer(const Json& object, const char* key, const std::string& param,
                                        std::int64_t minimum, std::int64_t maximum) {
  const auto* value = member(object, key);
  if (value == nullptr) return std::optional<std::int64_t>{};
  std::int64_t number = 0;
  if (value->is_number_integer()) {
    if (value->is_number_unsigned() && value->template get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      return invalid_field(param, "'" + param + "' must be between " + std::to_string(minimum) + " and " +
                                      std::to_string(maximum) + ", got " + std::to_string(value->template get<std::uint64_t>()) + ".");
    }
    number = value->template get<std::int64_t>();
  } else if (value->is_number_float() && std::trunc(value->template get<double>()) == value->template get<double>() &&
             std::fabs(value->template get<double>()) < 9e15) {
    number = static_cast<std::int64_t>(value->template get<double>());
  } else {
    return invalid_field(param, "'" + param + "' must be an integer.");
  }
  if (number < minimum || number > maximum) {
    return invalid_field(param, "'" + param + "' must be between " + std::to_string(minimum) + " and " +
                                    std::to_string(maximum) + ", got " + std::to_string(number) + ".");
  }
  return std::optional<std::int64_t>{number};
}

template <class Json>
field_result<std::uint64_t> read_integer_bits(const Json& object, const char* key, const std::string& param) {
  const auto* value = member(object, key);
  if (value == nullptr) return std::optional<std::uint64_t>{};
  if (value->is_number_unsigned()) return std::optional<std::uint64_t>{value->template get<std::uint64_t>()};
  if (value->is_number_integer()) return std::optional<std::uint64_t>{static_cast<std::uint64_t>(value->template get<std::int64_t>())};
  auto small = read_integer(object, key, param, INT64_MIN, INT64_MAX);  // an integral float, as read_integer takes
  if (auto* number = std::get_if<std::optional<std::int64_t>>(&small)) {
    return std::optional<std::uint64_t>{static_cast<std::uint64_t>(**number)};
  }
  return invalid_field(param, "'" + param + "' must be an integer between " + std::to_string(INT64_MIN) + " and " +
                                  std::to_string(UINT64_MAX) + ".");
}

template <class Json>
field_result<double> read_number(const Json& object, const char* key, const std::string& param,
                                 double minimum, double maximum) {
  const auto* value = member(object, key);
  if (value == nullptr) return std::optional<double>{};
  if (!value->is_number()) return invalid_field(param, "'" + param + "' must be a number.");
  const double number = value->template get<double>();
  if (!(number >= minimum && number <= maximum)) {
    return invalid_field(param, "'" + param + "' must be between " + range_text(minimum, maximum) + ".");
  }
  return std::optional<double>{number};
}

template <class Json>
field_result<std::vector<std::string>> read_string_list(const Json& object, const char* key,
                                                        const std::string& param, std::size_t max_items) {
  const auto* value = member(object, key);
  if (value == nullptr) return std::optional<std::vector<std::string>>{};
  if (!value->is_array()) return invalid_field(param, "'" + param + "' must be an array of strings.");
  if (value->size() > max_items) {
    return invalid_field(param, "'" + param + "' may hold at most " + std::to_string(max_items) + " items.");
  }
  std::vector<std::string> items;
  for (std::size_t i = 0; i < value->size(); ++i) {
    const auto& item = (*value)[i];
    const std::string item_param = param + "[" + std::to_string(i) + "]";
    if (!item.is_string()) return invalid_field(item_param, "'" + item_param + "' must be a string.");
    items.push_back(item.template get<std::string>());
  }
  return std::optional<std::vector<std::string>>{std::move(items)};
}

#define IG_JSON_FIELD_READERS(Json)                                                                          \
  template field_result<std::string> read_string(const Json&, const char*, const std::string&);              \
  template field_result<bool> read_bool(const Json&, const char*, const std::string&);                       \
  template field_result<std::int64_t> read_integer(const Json&, const char*, const std::string&, std::int64_t, \
                                                   std::int64_t);                                            \
  template field_result<std::uint64_t> read_integer_bits(const Json&, const char*, const std::string&);      \
  template field_result<double> read_number(const Json&, const char*, const std::string&, double, double);   \
  template field_result<std::vector<std::string>> read_string_list(const Json&, const char*, const std::string&, \
                                                                   std::size_t);
IG_JSON_FIELD_READERS(nlohmann::json)
IG_JSON_FIELD_READERS(nlohmann::ordered_json)
#undef IG_JSON_FIELD_READERS

}  // namespace infergrid::http

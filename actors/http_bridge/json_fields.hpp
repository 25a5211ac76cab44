#pragma once
// json_fields: typed reads of one field of a JSON object, each failure an api_error that names
// the field (`param`). Absent and null fields are "not given" (std::nullopt), as in OpenAI's API.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/http_bridge/api_error.hpp"
#include "kernels/model/json_number_texts.hpp"

namespace infergrid::http {

template <class T>
using field_result = std::variant<std::optional<T>, api_error>;

// A request body that must be one JSON object; anything else is a 400 saying what it was.
std::variant<nlohmann::json, api_error> parse_json_object(std::string_view body);
// The same, parsed with its key order and its numbers' texts (model/json_number_texts.hpp).
std::variant<model::json_with_number_texts, api_error> parse_json_object_keeping_number_texts(std::string_view body);

// `param` is the full name used in errors ("provider.order"); `key` the member of `object`. Each
// reads a nlohmann::json or a nlohmann::ordered_json (`Json`).
template <class Json>
field_result<std::string> read_string(const Json& object, const char* key, const std::string& param);
template <class Json>
field_result<bool> read_bool(const Json& object, const char* key, const std::string& param);
template <class Json>
field_result<std::int64_t> read_integer(const Json& object, const char* key, const std::string& param,
                                        std::int64_t minimum, std::int64_t maximum);
// Any integer a 64-bit field holds, signed or unsigned (-2^63 .. 2^64-1), as its two's-complement
// bits: distinct values in 0 .. 2^64-1 stay distinct, a negative one is the unsigned value with its
// bits (-1 is 2^64-1).
template <class Json>
field_result<std::uint64_t> read_integer_bits(const Json& object, const char* key, const std::string& param);
template <class Json>
field_result<double> read_number(const Json& object, const char* key, const std::string& param, double minimum,
                                 double maximum);
template <class Json>
field_result<std::vector<std::string>> read_string_list(const Json& object, const char* key, const std::string& param,
                                                        std::size_t max_items);

// Copies a read value into `out` when given; returns the error, if any.
template <class T, class U>
std::optional<api_error> assign(field_result<T> read, U& out) {
  if (auto* failure = std::get_if<api_error>(&read)) return *failure;
  auto& value = std::get<std::optional<T>>(read);
  if (value) out = static_cast<U>(*value);
  return std::nullopt;
}

}  // namespace infergrid::http

#pragma once
// bearer_key: the API key in an `Authorization` header value, `Bearer <key>` (RFC 6750). The scheme
// is case-insensitive (RFC 9110 §11.1: "bearer", "BEARER" are the same) and may be followed by
// several spaces; spaces and tabs around the value are not part of the key.
#include <string>
#include <string_view>
#include <variant>

#include "actors/http_bridge/api_error.hpp"

namespace infergrid::http {

// The key; a 401 when the header is absent or empty (missing_api_key), names another scheme or
// carries no key after `Bearer` (each saying so).
std::variant<std::string, api_error> bearer_key(std::string_view header);

}  // namespace infergrid::http

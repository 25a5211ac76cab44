#include "actors/http_bridge/bearer_key.hpp"

#include "actors/http_bridge/header_text.hpp"

namespace infergrid::http {
namespace {

api_error unauthorized(std::string message) {
  return {401, std::move(message), "authentication_error", "", "missing_api_key"};
}

}  // namespace

std::variant<std::string, api_error> bearer_key(std::string_view header) {
  header = without_blanks(header);
  if (header.empty()) return missing_api_key();
  const std::size_t scheme_end = std::min(header.find_first_of(" \t"), header.size());
  const std::string_view scheme = header.substr(0, scheme_end);
  if (!same_ignoring_case(scheme, "Bearer")) {
    return unauthorized("The Authorization header is not a Bearer key: send the API key as "
                        "'Authorization: Bearer <key>'.");
  }
  const std::string_view key = without_blanks(header.substr(scheme_end));
  if (key.empty()) return unauthorized("The Authorization header's Bearer scheme carries no key: send "
                                       "'Authorization: Bearer <key>'.");
  return std::string(key);
}

}  // namespace infergrid::http

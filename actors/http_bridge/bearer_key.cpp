#include "actors/http_bridge/bearer_key.hpp"

namespace infergrid::http {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

api_error unauthorized(std::string message) {
  return {401, std::move(message), "authentication_error", "", "missing_api_key"};
}

}  // namespace

std::variant<std::string, api_error> bearer_key(std::string_view header) {
  header = trimmed(header);
  if (header.empty()) return missing_api_key();
  const std::size_t scheme_end = std::min(header.find_first_of(" \t"), header.size());
  const std::string_view scheme = header.substr(0, scheme_end);
  if (!same_ignoring_case(scheme, "Bearer")) {
    return unauthorized("The Authorization header is not a Bearer key: send the API key as "
                        "'Authorization: Bearer <key>'.");
  }
  const std::string_view key = trimmed(header.substr(scheme_end));
  if (key.empty()) return unauthorized("The Authorization header's Bearer scheme carries no key: send "
                                       "'Authorization: Bearer <key>'.");
  return std::string(key);
}

}  // namespace infergrid::http

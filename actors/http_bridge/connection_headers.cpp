#include "actors/http_bridge/connection_headers.hpp"

#include <string_view>

#include "actors/http_bridge/header_text.hpp"

namespace infergrid::http {
namespace {

// Whether the comma-separated list `value` holds `token` (any case).
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    if (same_ignoring_case(without_blanks(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

bool client_asks_close(const httplib::Request& req) {
  const std::string connection = req.get_header_value("Connection");
  if (has_token(connection, "close")) return true;
  // httplib closes an HTTP/1.0 connection unless its header is exactly this.
  return req.version == "HTTP/1.0" && connection != "Keep-Alive";
}

std::string keep_alive_value(std::int64_t idle_timeout_ms, std::size_t requests_left) {
  return "timeout=" + std::to_string(idle_timeout_ms / 1000) + ", max=" + std::to_string(requests_left);
}

void set_connection_headers(httplib::Response& res, bool closes, std::int64_t idle_timeout_ms,
                            std::size_t requests_left) {
  res.headers.erase("Connection");
  res.headers.erase("Keep-Alive");
  if (closes) res.set_header("Connection", "close");
  else res.set_header("Keep-Alive", keep_alive_value(idle_timeout_ms, requests_left));
}

}  // namespace infergrid::http

#include "actors/http_bridge/cors.hpp"

#include <algorithm>
#include <cctype>

namespace infergrid::http {
namespace {

constexpr const char* allowed_methods = "GET, POST, OPTIONS";
// What the API reads; a preflight that asks for more (the openai SDK's x-stainless-* headers, which
// the API ignores) is allowed those too, as nothing the bridge does depends on them.
constexpr const char* allowed_headers = "Authorization, Content-Type";
// Answer headers a page's script may read beyond the CORS-safelisted ones: when to retry a 429/503
// (the openai SDK's backoff reads it).
constexpr const char* exposed_headers = "Retry-After";

bool lists(const std::vector<std::string>& cors_origins, const std::string& origin) {
  return std::find(cors_origins.begin(), cors_origins.end(), origin) != cors_origins.end();
}

}  // namespace

std::optional<std::string> allowed_origin(const std::vector<std::string>& cors_origins, const std::string& origin) {
  if (lists(cors_origins, "*")) return "*";
  if (!origin.empty() && lists(cors_origins, origin)) return origin;
  return std::nullopt;
}

void add_cors_headers(const std::vector<std::string>& cors_origins, const httplib::Request& req, httplib::Response& res) {
  if (cors_origins.empty()) return;
  const auto allowed = allowed_origin(cors_origins, req.get_header_value("Origin"));
  if (allowed) {
    res.set_header("Access-Control-Allow-Origin", *allowed);
    res.set_header("Access-Control-Expose-Headers", exposed_headers);
  }
  // A cache must not hand one origin's answer to another when the answer names the origin.
  if (!lists(cors_origins, "*")) res.set_header("Vary", "Origin");
}

std::string edge_refusal_cors_lines(const std::vector<std::string>& cors_origins, const std::string& origin) {
  if (cors_origins.empty()) return "";
  std::string out;
  if (const auto allowed = allowed_origin(cors_origins, origin)) {
    out = "Access-Control-Allow-Origin: " + *allowed + "\r\nAccess-Control-Expose-Headers: " + exposed_headers + "\r\n";
  }
  if (!lists(cors_origins, "*")) out += "Vary: Origin\r\n";
  return out;
}

std::string origin_of_head(std::string_view head) {
  constexpr std::string_view name = "origin:";
  for (std::size_t at = head.find('\n'); at != std::string_view::npos; at = head.find('\n', at + 1)) {
    const std::size_t end = head.find('\n', at + 1);
    if (end == std::string_view::npos) return "";  // the line has not arrived whole
    std::string_view line = head.substr(at + 1, end - at - 1);
    if (line.empty() || line == "\r") return "";  // the end of the head
    if (line.size() < name.size() ||
        !std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
      continue;
    }
    line.remove_prefix(name.size());
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
    return std::string(line);
  }
  return "";
}

void answer_preflight(const std::vector<std::string>& cors_origins, const httplib::Request& req, httplib::Response& res) {
  res.status = 204;
  res.set_header("Allow", allowed_methods);
  if (!allowed_origin(cors_origins, req.get_header_value("Origin"))) return;
  res.set_header("Access-Control-Allow-Methods", allowed_methods);
  std::string headers = allowed_headers;
  const std::string requested = req.get_header_value("Access-Control-Request-Headers");
  if (!requested.empty()) headers += ", " + requested;
  res.set_header("Access-Control-Allow-Headers", headers);
  res.set_header("Access-Control-Max-Age", std::to_string(cors_preflight_max_age_s));
}

}  // namespace infergrid::http

#pragma once
// cors: what lets a browser page on another origin call the API (the Fetch standard's CORS):
//   - a preflight (OPTIONS with Access-Control-Request-Method) is answered 204 with the methods and
//     request headers allowed and how long the browser may cache that answer;
//   - every answer (errors and SSE streams included) carries Access-Control-Allow-Origin, so the
//     page may read it, and Access-Control-Expose-Headers: Retry-After, so its script may read when
//     to retry a 429 or 503.
// Which origins may is the bridge's `cors_origins` setting: "*" any (the default, as OpenAI's API:
// each call needs a key anyway), a list of exact origins ("https://app.example.com") only those
// (the origin is echoed, with Vary: Origin), none: CORS off (no Access-Control-* headers at all, so
// a browser refuses cross-origin calls; OPTIONS still answers 204 with Allow).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <httplib.h>

namespace infergrid::http {

// Seconds a browser may reuse a preflight's answer (Chromium caps it at 7200, Firefox at 86400).
inline constexpr int cors_preflight_max_age_s = 7200;

// The Access-Control-Allow-Origin value for a request from `origin` ("" when it sent none), or
// nullopt when it gets none.
std::optional<std::string> allowed_origin(const std::vector<std::string>& cors_origins, const std::string& origin);

// Adds Access-Control-Allow-Origin (and Vary: Origin where the answer depends on it) to any answer.
void add_cors_headers(const std::vector<std::string>& cors_origins, const httplib::Request& req, httplib::Response& res);

// The CORS head lines of an answer the edge writes itself, before any route (a 429 over the
// per-client cap, 408, 431, 503, a refused framing), for a request from `origin` ("" when none was
// read): as add_cors_headers would add them, each line ending in CRLF.
std::string edge_refusal_cors_lines(const std::vector<std::string>& cors_origins, const std::string& origin);

// The Origin header's value in `head`, the bytes of a request head as far as they arrived ("" when
// none, or when its line is not complete yet). Read by the edge for its own refusals.
std::string origin_of_head(std::string_view head);

// Answers an OPTIONS request: 204, Allow, and for an allowed origin the preflight's
// Access-Control-Allow-Methods / -Headers / -Max-Age (add_cors_headers adds the origin).
void answer_preflight(const std::vector<std::string>& cors_origins, const httplib::Request& req, httplib::Response& res);

}  // namespace infergrid::http

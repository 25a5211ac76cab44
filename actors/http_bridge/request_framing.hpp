#pragma once
// request_framing: what the edge checks in a request's head before httplib parses it, so that the
// request and its body are read the one way every party reads them (no request smuggling, no
// waiting out a body timer on a head that already says the request is refused):
//   - a Content-Length must be digits, given once (or repeated with the same value), and within the
//     body limit (413 at once, the body never read); with Transfer-Encoding too it is a 400;
//   - Transfer-Encoding must be exactly "chunked" (501 for any other coding, 400 when repeated);
//   - a POST, PUT or PATCH needs one of the two (411), never "read until the client closes";
//   - a header name with whitespace before its colon, and a folded (obs-fold) line, are a 400;
//   - Range headers are dropped: the API answers whole bodies (httplib would serve any list of
//     overlapping ranges, an 8 KB request asking for a 66 MB answer).
// Every refusal closes the connection: what follows the head cannot be trusted to be a request.
#include <cstddef>
#include <optional>
#include <string>

#include "actors/http_bridge/api_error.hpp"

namespace infergrid::http {

// `head` is one request's head: request line and header lines up to and including the blank line.
// Returns the refusal, or nullopt with `head` rewritten (Range lines dropped).
std::optional<api_error> check_request_framing(std::string& head, std::size_t max_body_bytes);

// The answer to a head that is not complete within `max_head_bytes` (431).
api_error head_too_large(std::size_t max_head_bytes);

}  // namespace infergrid::http

#pragma once
// connection_headers: what an answer's head says of its connection, written as the head is
// (edge_server decides, at that moment, so the words and the edge's deed agree). When the
// connection closes after the answer, the head says `Connection: close` and no Keep-Alive: the
// client asked it, a handler asked it (close_after_response), or the edge ends the connection for
// its own reasons (its last allowed request, connections waiting for a thread, a stopping
// server). Otherwise the head announces `Keep-Alive: timeout=<s>, max=<n>`: the whole seconds of
// idle_timeout_ms the edge keeps the connection idle at least, and how many more requests it
// serves on it. A pooling client (undici, node's http Agent) stops reusing a connection before
// that timeout, so it never sends a request into one the edge is closing (ECONNRESET, "socket
// hang up").
#include <cstddef>
#include <cstdint>
#include <string>

#include <httplib.h>

namespace infergrid::http {

// Whether the request asks that the connection close after its answer: a `close` token in its
// Connection header (any case), or HTTP/1.0 without `Connection: Keep-Alive` (as httplib reads it).
bool client_asks_close(const httplib::Request& req);

// The Keep-Alive header's value for a connection kept open.
std::string keep_alive_value(std::int64_t idle_timeout_ms, std::size_t requests_left);

// Replaces whatever connection headers `res` holds: `Connection: close`, or the Keep-Alive terms.
void set_connection_headers(httplib::Response& res, bool closes, std::int64_t idle_timeout_ms,
                            std::size_t requests_left);

}  // namespace infergrid::http

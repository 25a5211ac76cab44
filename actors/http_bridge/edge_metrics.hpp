#pragma once
// edge_metrics: what the bridge's edge refused or let go, on `GET /metrics` (deploy/readme/http.md):
//   infergrid_http_edge_refused_total{reason}  counter: connections and heads the edge answered
//       itself — too_many_connections (429, per address), header_timeout (408), bad_head (431 or a
//       framing refusal: request_framing.hpp), server_busy (503, too many waiting for a thread);
//       not shutting_down (503 to a request arriving as the server stops): no scrape reaches a
//       stopped server, so http_server logs that count as it stops
//   infergrid_http_edge_yielded_total          counter: keep-alive connections that gave up their
//                                              thread while others waited for one (closed after an
//                                              answer saying `Connection: close`, or parked idle)
//   infergrid_http_edge_waiting_connections    gauge: accepted connections waiting for a thread
#include <string>

#include "actors/http_bridge/edge_server.hpp"

namespace infergrid::http {

void render_edge_metrics(std::string& out, const edge_counters& counters, const edge_load& load);

}  // namespace infergrid::http

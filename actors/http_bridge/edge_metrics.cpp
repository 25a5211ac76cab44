#include "actors/http_bridge/edge_metrics.hpp"

#include <fmt/format.h>

namespace infergrid::http {

void render_edge_metrics(std::string& out, const edge_counters& counters, const edge_load& load) {
  const std::pair<const char*, std::int64_t> refused[] = {
      {"too_many_connections", counters.refused_connections.load()},
      {"header_timeout", counters.header_timeouts.load()},
      {"bad_head", counters.refused_heads.load()},
      {"server_busy", counters.shed_connections.load()},
  };
  out += "# HELP infergrid_http_edge_refused_total Connections and request heads the edge answered itself, by reason.\n"
         "# TYPE infergrid_http_edge_refused_total counter\n";
  for (const auto& [reason, count] : refused) {
    out += fmt::format("infergrid_http_edge_refused_total{{reason=\"{}\"}} {}\n", reason, count);
  }
  out += fmt::format(
      "# HELP infergrid_http_edge_yielded_total Keep-alive connections that gave up their thread while others waited for one (closed after an answer saying so, or parked while idle).\n"
      "# TYPE infergrid_http_edge_yielded_total counter\ninfergrid_http_edge_yielded_total {}\n"
      "# HELP infergrid_http_edge_waiting_connections Accepted connections waiting for a thread.\n"
      "# TYPE infergrid_http_edge_waiting_connections gauge\ninfergrid_http_edge_waiting_connections {}\n",
      counters.yielded_connections.load(), load.waiting.load());
}

}  // namespace infergrid::http

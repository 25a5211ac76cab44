#include "actors/http_bridge/epoch_metrics.hpp"

#include <fmt/format.h>

namespace infergrid::http {

void render_epoch_metrics(std::string& out, const ledger_view_report& ledger) {
  const epoch_driver_view& d = ledger.epoch_driver;
  struct series {
    const char* name;
    const char* type;
    const char* help;
    double value;
  };
  const series rows[] = {
      {"infergrid_epoch_open", "gauge", "The settlement ledger's open epoch.", static_cast<double>(ledger.epoch)},
      {"infergrid_epoch_interval_seconds", "gauge", "Epoch driver interval (0 = epochs close only on request).",
       static_cast<double>(d.interval_s)},
      {"infergrid_epoch_timer_closes_total", "counter", "Epochs the epoch driver closed since the settlement actor started.",
       static_cast<double>(d.closes)},
      {"infergrid_epoch_demand_failures_total", "counter", "Demand measures the epoch driver could not get (it retried).",
       static_cast<double>(d.demand_failures)},
      {"infergrid_epoch_next_close_timestamp_seconds", "gauge", "When the open epoch period ends (Unix seconds).",
       static_cast<double>(d.next_close_unix_ms) / 1000.0},
      {"infergrid_epoch_last_pool_micro", "gauge", "Reward pool of the newest epoch the driver closed (supply rule).",
       static_cast<double>(d.last_pool_micro)},
      {"infergrid_epoch_last_tokens_served", "gauge", "Tokens settled in the newest epoch the driver closed.",
       static_cast<double>(d.last_tokens_served)},
      {"infergrid_epoch_last_utilisation_ratio", "gauge", "Utilisation the matchmaker measured over that epoch.",
       static_cast<double>(d.last_utilisation_ppm) / 1e6},
      {"infergrid_epoch_last_queue_p95_seconds", "gauge", "p95 wait for a worker the matchmaker measured over that epoch.",
       static_cast<double>(d.last_queue_p95_ms) / 1000.0},
  };
  for (const series& s : rows) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", s.name, s.help, s.name, s.type, s.name, s.value);
  }
}

void render_ledger_view_metrics(std::string& out, const dashboard_reading<ledger_view_report>& ledger,
                                std::chrono::steady_clock::time_point now) {
  const bool reached = ledger.report.has_value() && ledger.error.empty();
  out += fmt::format(
      "# HELP infergrid_ledger_view_reached Whether the settlement actor answered the bridge's newest ledger view ask.\n"
      "# TYPE infergrid_ledger_view_reached gauge\ninfergrid_ledger_view_reached {}\n",
      reached ? 1 : 0);
  if (!ledger.report) return;
  const double age_s = std::chrono::duration<double>(now - ledger.arrived).count();
  out += fmt::format(
      "# HELP infergrid_ledger_view_age_seconds Age of the newest ledger view that answered (the infergrid_epoch_* values).\n"
      "# TYPE infergrid_ledger_view_age_seconds gauge\ninfergrid_ledger_view_age_seconds {:.3f}\n",
      age_s);
}

}  // namespace infergrid::http

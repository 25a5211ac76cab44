#pragma once
// epoch_metrics: the settlement actor's epochs on `GET /metrics`, from the newest ledger_view_report
// the bridge holds (dashboard_store; refreshed every dashboard_refresh_ms):
//   infergrid_epoch_open                         gauge: the ledger's open epoch
//   infergrid_epoch_interval_seconds             gauge: the epoch driver's interval (0 = off)
//   infergrid_epoch_timer_closes_total           counter: epochs the driver closed since the actor started
//   infergrid_epoch_demand_failures_total        counter: demand queries that failed (the close retried)
//   infergrid_epoch_next_close_timestamp_seconds gauge: when the open period ends
//   infergrid_epoch_last_{pool_micro, tokens_served, utilisation_ratio, queue_p95_seconds}
//                                                gauges: the newest timer close and the demand it was paid by
// and, in settlement mode, how current those are (the newest ask may have failed: the values are then
// the last view's):
//   infergrid_ledger_view_reached                gauge: 1 when the newest ask answered, else 0
//   infergrid_ledger_view_age_seconds            gauge: age of the newest view that answered (absent before one)
#include <chrono>
#include <string>

#include "actors/http_bridge/dashboard_store.hpp"
#include "messages/ledger_view.hpp"

namespace infergrid::http {

void render_epoch_metrics(std::string& out, const ledger_view_report& ledger);
void render_ledger_view_metrics(std::string& out, const dashboard_reading<ledger_view_report>& ledger,
                                std::chrono::steady_clock::time_point now);

}  // namespace infergrid::http

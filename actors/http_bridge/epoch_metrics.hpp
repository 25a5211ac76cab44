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
#include <string>

#include "messages/ledger_view.hpp"

namespace infergrid::http {

void render_epoch_metrics(std::string& out, const ledger_view_report& ledger);

}  // namespace infergrid::http

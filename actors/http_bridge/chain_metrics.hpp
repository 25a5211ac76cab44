#pragma once
// chain_metrics: the settlement's chain bridge on `GET /metrics` (deploy/readme/chain.md), from the
// newest ledger_view_report the bridge holds; nothing when the settlement follows no chain:
//   infergrid_chain_node_reachable            gauge: 1 while the watcher's last read of the node succeeded
//   infergrid_chain_next_block                gauge: the next block the watcher reads
//   infergrid_chain_watcher_failures_total    counter: reads that failed (it retried with backoff)
//   infergrid_chain_operations_total{result}  counter: ledger operations from vault events, by
//                                             result applied | replayed | refused
//   infergrid_chain_anchors_sent_total, infergrid_chain_anchor_failures_total, infergrid_chain_latest_anchored_epoch
//   infergrid_chain_slashes_sent_total, infergrid_chain_slash_failures_total
//   infergrid_chain_slashes_booked_total{convicted_here} counter: Slashed events booked, "true" for this
//                                             ledger's convictions, "false" for ones the vault made first
//   infergrid_chain_reorganised               gauge: 1 once a reorganisation deeper than the confirmations
//                                             stopped the following (alert on it)
#include <string>

#include "messages/ledger_view.hpp"

namespace infergrid::http {

void render_chain_metrics(std::string& out, const ledger_view_report& ledger);

}  // namespace infergrid::http

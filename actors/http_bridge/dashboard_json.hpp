#pragma once
// dashboard_json: the dashboard's JSON documents (deploy/readme/dashboard.md), built from what the
// bridge's actor last learned (dashboard_store) and the bridge's own served traffic
// (throughput_series). Amounts stay integer micro-units; hashes and keys are hex.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "actors/http_bridge/dashboard_store.hpp"
#include "actors/http_bridge/throughput_series.hpp"

namespace infergrid::http {

struct bridge_load {
  std::int64_t queue_depth = 0;     // the bridge's inbox
  std::int64_t jobs_in_flight = 0;  // the bridge's unfinished jobs
  double tokens_per_second = 0;     // completion tokens served, last seconds
};

// GET /dashboard/api/network: nodes, models, free slots, load, queue, tokens/s (public).
nlohmann::json network_json(const dashboard_reading<grid_view_report>& grid, const bridge_load& load);
// GET /dashboard/api/series: per-second requests, tokens, latency and TTFT percentiles (public).
nlohmann::json series_json(const std::vector<series_point>& points);
// GET /dashboard/api/jobs: the newest finished jobs with miner, receipt and audit status (public).
nlohmann::json jobs_json(const dashboard_reading<grid_view_report>& grid);
// GET /dashboard/api/miners: stake, reputation, score components, earnings (operator).
nlohmann::json miners_json(const dashboard_reading<grid_view_report>& grid,
                           const dashboard_reading<ledger_view_report>& ledger);
// GET /dashboard/api/ledger: entries, verification, epoch roots, accounts (operator).
nlohmann::json ledger_json(const dashboard_reading<ledger_view_report>& ledger);
// GET /dashboard/api/jobs/{id}: request -> miner -> receipt -> verdicts -> ledger entries (operator).
nlohmann::json job_detail_json(const std::string& request_id, const job_detail& detail);

}  // namespace infergrid::http

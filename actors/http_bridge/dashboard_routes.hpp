#pragma once
// dashboard_routes: the dashboard's routes on the bridge's HTTP server (deploy/readme/dashboard.md).
//   GET /dashboard, /dashboard/<asset>        the page (HTML/JS/CSS embedded at build time)
//   GET /dashboard/api/network                nodes, models, slots, load, queue, tokens/s   public
//   GET /dashboard/api/series                 per-second throughput, latency, TTFT          public
//   GET /dashboard/api/jobs                   newest finished jobs: miner, receipt, audit   public
//   GET /dashboard/api/miners                 stake, reputation, score, earnings            operator key
//   GET /dashboard/api/ledger                 entries, verification, epoch roots, accounts  operator key
//   GET /dashboard/api/jobs/{id}              trace and its ledger entries                  operator key
// Every JSON answer is read from what the actor last learned (dashboard_store), except a job's
// detail, which the actor asks the matchmaker and the settlement actor for. A built answer is
// served to every reader for dashboard_cache_ms (dashboard_cache), each reader's key checked first.
#include <chrono>
#include <functional>
#include <string>

#include <httplib.h>

#include "actors/http_bridge/bridge_shared.hpp"

namespace infergrid::http {

// Counts and logs a finished request: (request, its response, route label, when it started, account).
using request_done = std::function<void(const httplib::Request&, const httplib::Response&, const std::string&,
                                        std::chrono::steady_clock::time_point, const std::string&)>;

void add_dashboard_routes(httplib::Server& server, bridge_shared& shared, request_done done);

}  // namespace infergrid::http

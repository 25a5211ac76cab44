#pragma once
// dashboard_feed: the bridge actor's side of the dashboard (deploy/readme/dashboard.md). Every
// dashboard_refresh_ms it asks the matchmaker for its grid_view and, in settlement mode, the
// settlement actor for its ledger_view, and keeps the answers in the dashboard_store — while the
// store was read within dashboard_unread_after; without readers only every unread_refresh_factor
// ticks (an idle grid builds no views for nobody) unless the last ask failed (then every tick: /health
// reports the outage and says `ok` again within a tick of the peer's return), and at once when a
// reader asks for fresh ones (dashboard_store.hpp). While /health is asked (within
// dashboard_unread_after) the ticks between those seldom refreshes each send settlement a cheap
// liveness probe instead, so /health reports its outage within about two ticks. On a wake it
// answers the job lookups HTTP threads queued: the matchmaker's trace of the request, then the
// ledger entries of its escrow, settlement, refund and verdicts (what `infergrid trace` asks).
#include <memory>
#include <string>

#include "actors/http_bridge/bridge_shared.hpp"
#include "runtime/actor_context.hpp"

namespace infergrid::http {

class dashboard_feed {
 public:
  dashboard_feed(actor_context& ctx, bridge_shared& shared) : ctx_(ctx), shared_(shared) {}
  void start();            // arms the refresh timer and asks once now
  void answer_lookups();   // on the actor's wake: the queued job lookups, and fresh views when asked

 private:
  void tick();  // every dashboard_refresh_ms
  void refresh();
  void probe_settlement();  // between seldom refreshes while /health is asked
  void look_up(std::shared_ptr<job_lookup> lookup);

  actor_context& ctx_;
  bridge_shared& shared_;
  std::int64_t ticks_since_refresh_ = 0;
};

}  // namespace infergrid::http

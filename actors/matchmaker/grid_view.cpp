// matchmaker_state::grid_view: what the dashboard and `infergrid status` show of the compute layer —
// every live worker with its load and standing, the supply per model, the matchmaker's counters and
// the newest finished jobs it remembers (audit_feed).
#include <chrono>

#include "actors/matchmaker/matchmaker_state.hpp"

namespace infergrid::matchmaker {
namespace {

std::int64_t ms_since(clock::time_point then, clock::time_point now) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(now - then).count();
}

worker_view view_of(const worker_entry& w, clock::time_point now) {
  worker_view out;
  out.worker_id = w.worker_id;
  out.address = w.address;
  out.models = w.models;
  out.slots = w.slots;
  out.free_slots = w.reported_free_slots;
  out.running = w.reported_running;
  out.queued = w.reported_queued;
  out.assigned = w.assigned;
  out.queue_capacity = w.queue_capacity;
  out.reputation_permille = w.reputation_permille;
  out.first_token_ms_ewma = w.first_token_ms_ewma;
  out.stalls = w.stalls;
  out.tokens_generated = w.tokens_since_joined();
  out.stake_micro = static_cast<std::int64_t>(w.stake_micro);
  out.registered_ms_ago = ms_since(w.registered_at, now);
  out.last_seen_ms_ago = ms_since(w.last_seen, now);
  out.first_token_ms_measured = w.first_token_ms_measured;
  return out;
}

}  // namespace

grid_view_report matchmaker_state::grid_view(std::uint32_t recent_jobs) const {
  const auto now = steady_now();
  grid_view_report out;
  for (const auto& [id, worker] : registry_.all()) out.workers.push_back(view_of(worker, now));
  out.models = supply("").models;
  out.queued = static_cast<std::uint32_t>(queue_.size());
  out.jobs_in_flight = static_cast<std::uint32_t>(jobs_.size());
  out.completed = counters_.completed;
  out.failed = counters_.failed;
  out.failovers = counters_.failovers;
  out.evictions = counters_.evictions;
  out.receipts = counters_.receipts;
  out.bad_receipts = counters_.bad_receipts;
  out.audit_verdicts = counters_.audit_verdicts;
  out.convictions = counters_.convictions;
  out.validators = static_cast<std::uint32_t>(audits_.validators().size());
  out.recent_jobs = audits_.recent(recent_jobs);
  return out;
}

}  // namespace infergrid::matchmaker

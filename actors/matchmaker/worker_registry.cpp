#include "actors/matchmaker/worker_registry.hpp"

#include <chrono>
#include <cmath>

#include "runtime/log_escape.hpp"

namespace infergrid::matchmaker {

const model_offer* worker_entry::offer(const std::string& model) const {
  for (const auto& m : models) {
    if (m.name == model) return &m;
  }
  return nullptr;
}

status worker_registry::upsert(const worker_register& hello, std::size_t max_workers, clock::time_point now) {
  if (hello.worker_id.empty() || hello.address.empty()) {
    return make_error(error_code::invalid_argument, "worker_register needs a worker_id and an address");
  }
  if (hello.slots == 0 || hello.models.empty()) {
    return make_error(error_code::invalid_argument, "worker " + hello.worker_id + " offers no slots or no model");
  }
  // A model name reaches operators' terminals, logs and /metrics labels: no control characters.
  for (const auto& offer : hello.models) {
    if (has_control_characters(offer.name)) {
      return make_error(error_code::invalid_argument, "worker " + escape_control_characters(hello.worker_id) +
                                                          " offers model \"" + escape_control_characters(offer.name) +
                                                          "\": a model name may not hold control characters");
    }
  }
  auto found = workers_.find(hello.worker_id);
  if (found == workers_.end() && workers_.size() >= max_workers) {
    return make_error(error_code::too_large, "the registry is full (" + std::to_string(max_workers) + " workers)");
  }
  worker_entry& entry = workers_[hello.worker_id];
  const worker_entry before = entry;  // a listed key re-registering: the same miner, restarted
  const bool listed = !before.worker_id.empty();
  entry = worker_entry{hello.worker_id, hello.address, hello.models, hello.slots, hello.queue_capacity,
                       hello.free_slots, before.assigned,  // jobs in flight survive a re-registration
                       listed ? before.reputation_permille : neutral_reputation_permille,
                       before.first_token_ms_ewma, before.first_token_ms_measured, before.stalls, now, now};
  entry.stake_micro = hello.stake_micro;
  // The new process counts its tokens from 0: what the earlier ones reported is kept beside them.
  entry.tokens_before_restart = before.tokens_since_joined();
  entry.registered_at = listed ? before.registered_at : now;
  return {};
}

status worker_registry::heartbeat(const worker_heartbeat& beat, clock::time_point now) {
  auto found = workers_.find(beat.worker_id);
  if (found == workers_.end()) return make_error(error_code::not_found, "unknown worker " + beat.worker_id + "; register first");
  found->second.last_seen = now;
  found->second.reported_free_slots = beat.free_slots;
  found->second.reported_running = beat.running;
  found->second.reported_queued = beat.queued;
  found->second.tokens_generated = beat.tokens_generated;
  // The worker's current asks (it may change them while serving); asks for models it did not
  // register are ignored.
  for (const model_ask& ask : beat.asks) {
    for (model_offer& offer : found->second.models) {
      if (offer.name != ask.model) continue;
      offer.price_prompt_micro = ask.price_prompt_micro;
      offer.price_completion_micro = ask.price_completion_micro;
    }
  }
  return {};
}

bool worker_registry::remove(const std::string& worker_id) { return workers_.erase(worker_id) > 0; }

std::vector<std::string> worker_registry::silent_workers(clock::time_point now, clock::duration timeout) const {
  std::vector<std::string> silent;
  for (const auto& [id, worker] : workers_) {
    if (now - worker.last_seen > timeout) silent.push_back(id);
  }
  return silent;
}

worker_entry* worker_registry::find(const std::string& worker_id) {
  auto found = workers_.find(worker_id);
  return found == workers_.end() ? nullptr : &found->second;
}

void worker_registry::note_first_token(const std::string& worker_id, double milliseconds) {
  worker_entry* entry = find(worker_id);
  if (entry == nullptr) return;
  for (double* estimate : {&entry->first_token_ms_ewma, &entry->first_token_ms_measured}) {
    *estimate = *estimate == 0 ? milliseconds : *estimate + latency_ewma_weight * (milliseconds - *estimate);
  }
}

void worker_registry::fade_latencies(clock::duration elapsed) {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  if (seconds <= 0) return;
  const double keep = std::exp(-seconds / latency_fade_s);
  for (auto& [id, worker] : workers_) worker.first_token_ms_ewma *= keep;
}

}  // namespace infergrid::matchmaker

#include "actors/matchmaker/demand_meter.hpp"

#include <algorithm>
#include <vector>

namespace infergrid::matchmaker {

void demand_meter::sample(std::int64_t now_unix_ms, std::uint64_t running, std::uint64_t slots, std::uint64_t weight) {
  const std::int64_t now_s = now_unix_ms / 1000;
  if (seconds_.empty() || seconds_.back().unix_s != now_s) seconds_.push_back(second{now_s, 0, 0, 0});
  second& current = seconds_.back();
  current.running += std::min(running, slots) * weight;
  current.slots += slots * weight;
  ++current.samples;
  while (!seconds_.empty() && seconds_.front().unix_s < now_s - history_s_) seconds_.pop_front();
}

void demand_meter::waited(std::int64_t now_unix_ms, std::int64_t wait_ms) {
  waits_.push_back(wait{now_unix_ms, std::max<std::int64_t>(wait_ms, 0)});
  while (waits_.size() > waits_max || waits_.front().at_unix_ms < now_unix_ms - history_s_ * 1000) waits_.pop_front();
}

demand_window_report demand_meter::measure(const demand_window_query& window, std::int64_t now_unix_ms,
                                           std::span<const std::int64_t> waiting_now_ms) const {
  demand_window_report out{window.from_unix_ms, window.until_unix_ms, 0, 0, 0, 0};
  std::uint64_t running = 0;
  std::uint64_t slots = 0;
  for (const second& s : seconds_) {
    const std::int64_t at_ms = s.unix_s * 1000;
    if (at_ms < window.from_unix_ms || at_ms >= window.until_unix_ms) continue;
    running += s.running;
    slots += s.slots;
    out.samples += s.samples;
  }
  if (slots > 0) out.utilisation_ppm = static_cast<std::int64_t>(running * 1'000'000 / slots);
  std::vector<std::int64_t> waits;
  for (const wait& w : waits_) {
    if (w.at_unix_ms >= window.from_unix_ms && w.at_unix_ms < window.until_unix_ms) waits.push_back(w.wait_ms);
  }
  out.jobs_dispatched = waits.size();
  if (window.until_unix_ms >= now_unix_ms) waits.insert(waits.end(), waiting_now_ms.begin(), waiting_now_ms.end());
  if (!waits.empty()) {
    std::sort(waits.begin(), waits.end());
    out.queue_p95_ms = waits[(waits.size() * 95 + 99) / 100 - 1];  // nearest rank
  }
  return out;
}

}  // namespace infergrid::matchmaker

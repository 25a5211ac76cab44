#include "actors/matchmaker/vouched_jobs.hpp"

#include <algorithm>
#include <limits>
#include <set>

namespace infergrid::matchmaker {

void vouched_jobs::submitted(const inference_request& request, const std::string& submitter, std::int64_t now_ms,
                             std::int64_t deadline_ms) {
  if (request.submitter_check_ms <= 0 || jobs_.size() >= max_jobs_ || jobs_.contains(request.request_id)) return;
  jobs_[request.request_id] = entry{submitter, request.client_streamed(), false, deadline_ms, false, {}, std::nullopt};
  submitter_entry& s = submitters_[submitter];
  s.heard_ms = now_ms;
  s.check_ms = request.submitter_check_ms;
  ++s.jobs;
}

void vouched_jobs::forget(const std::string& request_id) {
  if (auto it = jobs_.find(request_id); it != jobs_.end()) erase(it);
}

void vouched_jobs::finished(const std::string& request_id) {
  if (auto it = jobs_.find(request_id); it != jobs_.end()) it->second.finished = true;
}

void vouched_jobs::park(settlement&& pending) {
  auto it = jobs_.find(pending.receipt.request_id);
  if (it != jobs_.end()) it->second.parked = std::move(pending);  // one receipt per request; a repeat replaces it
}

vouched_jobs::query_outcome vouched_jobs::on_query(const std::string& submitter, const held_requests_query& query,
                                                   std::int64_t now_ms, const claims_lookup& claims_of) {
  query_outcome out;
  auto s = submitters_.find(submitter);
  if (s == submitters_.end()) return out;
  s->second.heard_ms = now_ms;
  const auto is_its = [&](std::map<std::string, entry>::iterator it) {
    return it != jobs_.end() && it->second.submitter == submitter;
  };
  for (const std::string& id : query.delivered_ids) {
    auto it = jobs_.find(id);
    if (!is_its(it)) continue;
    // Vouched for: the receipt settles now, or when it comes (no longer watched, it passes at once).
    if (it->second.parked) out.vouched.push_back(std::move(*it->second.parked));
    erase(it);
  }
  for (const std::string& id : query.request_ids) {
    auto it = jobs_.find(id);
    if (is_its(it)) it->second.claims_when_last_named = claims_of(id);
  }
  if (!query.names_all) return out;
  // Everything it submitted reached the matchmaker before this query: one it names in neither list
  // is a job it no longer has.
  const std::set<std::string> named(query.request_ids.begin(), query.request_ids.end());
  std::vector<std::string> unnamed;
  for (const auto& [id, e] : jobs_) {
    if (e.submitter == submitter && !named.contains(id)) unnamed.push_back(id);
  }
  for (const std::string& id : unnamed) {
    out.lost.push_back(lose(jobs_.find(id), submitter + " no longer holds it (restarted?)"));
  }
  return out;
}

std::optional<vouched_jobs::lost_job> vouched_jobs::disowned(const std::string& submitter, const std::string& request_id) {
  auto it = jobs_.find(request_id);
  if (it == jobs_.end() || it->second.submitter != submitter) return std::nullopt;
  return lose(it, submitter + " no longer holds it (restarted)");
}

vouched_jobs::silence_outcome vouched_jobs::silent(std::int64_t now_ms) {
  silence_outcome out;
  // Awaited jobs whose deadline passed without their submitter's word: none was delivered.
  lose_awaited(now_ms, " did not name it delivered by its deadline", out.lost);
  std::map<std::string, std::string> gone;  // submitter → why
  for (const auto& [name, s] : submitters_) {
    if (s.jobs > s.awaited && now_ms - s.heard_ms >= lost_after_ms(s)) {
      gone[name] = name + " has not been heard from for " + std::to_string((now_ms - s.heard_ms) / 1000) + " s";
    }
  }
  if (gone.empty()) return out;
  std::vector<std::string> ids;
  for (const auto& [id, e] : jobs_) {
    if (gone.contains(e.submitter) && !e.awaited) ids.push_back(id);
  }
  for (const std::string& id : ids) {
    auto it = jobs_.find(id);
    entry& e = it->second;
    const std::string& why = gone[e.submitter];
    if (!e.finished || e.deadline_ms <= now_ms) {
      out.lost.push_back(lose(it, why));
      continue;
    }
    // It may have reached the submitter whole: its word, if it comes by the deadline, settles it.
    e.awaited = true;
    ++submitters_[e.submitter].awaited;
    awaited_by_deadline_.emplace(e.deadline_ms, id);
    out.awaited.push_back(awaited_job{id, why, e.deadline_ms});
  }
  return out;
}

namespace {
const std::string silent_when_stopped = " fell silent and did not name it delivered before the matchmaker stopped";
}  // namespace

std::vector<vouched_jobs::lost_job> vouched_jobs::take_awaited() {
  std::vector<lost_job> out;
  lose_awaited(std::numeric_limits<std::int64_t>::max(), silent_when_stopped, out);
  return out;
}

std::optional<vouched_jobs::lost_job> vouched_jobs::lost_if_stopped(const std::string& request_id) const {
  auto it = jobs_.find(request_id);
  if (it == jobs_.end() || !it->second.awaited) return std::nullopt;
  return as_lost(it->first, it->second, it->second.submitter + silent_when_stopped);
}

std::vector<vouched_jobs::settlement> vouched_jobs::take_parked() {
  std::vector<settlement> out;
  for (auto& [id, e] : jobs_) {
    if (e.parked) out.push_back(std::move(*e.parked));
    e.parked.reset();
  }
  return out;
}

void vouched_jobs::resumed(std::int64_t now_ms) {
  for (auto& [name, s] : submitters_) s.heard_ms = now_ms;
}

vouched_jobs::lost_job vouched_jobs::as_lost(const std::string& request_id, const entry& e, std::string why) {
  lost_job lost{request_id, e.submitter, {}, !e.finished, std::move(why)};
  // A whole answer reaches its client only at the end: none was delivered, none is paid.
  if (e.client_streamed) lost.delivered_claims = e.claims_when_last_named;
  return lost;
}

vouched_jobs::lost_job vouched_jobs::lose(std::map<std::string, entry>::iterator it, std::string why) {
  lost_job lost = as_lost(it->first, it->second, std::move(why));
  erase(it);
  return lost;
}

void vouched_jobs::lose_awaited(std::int64_t until_ms, const std::string& why, std::vector<lost_job>& out) {
  while (!awaited_by_deadline_.empty() && awaited_by_deadline_.begin()->first <= until_ms) {
    auto it = jobs_.find(awaited_by_deadline_.begin()->second);
    out.push_back(lose(it, it->second.submitter + why));
  }
}

void vouched_jobs::erase(std::map<std::string, entry>::iterator it) {
  const entry& e = it->second;
  auto s = submitters_.find(e.submitter);
  if (e.awaited) {
    awaited_by_deadline_.erase({e.deadline_ms, it->first});
    if (s != submitters_.end()) --s->second.awaited;
  }
  if (s != submitters_.end() && --s->second.jobs == 0) submitters_.erase(s);
  jobs_.erase(it);
}

std::int64_t vouched_jobs::lost_after_ms(const submitter_entry& s) const {
  return std::max(lost_after_ms_, 3 * s.check_ms);
}

}  // namespace infergrid::matchmaker

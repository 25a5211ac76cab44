#include "actors/matchmaker/audit_feed.hpp"

#include <algorithm>

namespace infergrid::matchmaker {

void audit_feed::finished(const inference_request& request, const std::string& worker_id, std::int64_t finished_unix_ms) {
  if (memory_ == 0) return;
  if (!requests_.insert_or_assign(request.request_id, remembered{request, worker_id, std::nullopt, {}, {}, {}, finished_unix_ms})
           .second) {
    return;
  }
  order_.push_back(request.request_id);
  while (order_.size() > memory_) {
    requests_.erase(order_.front());
    order_.pop_front();
  }
}

std::vector<audit_request> audit_feed::segments_ended(const inference_request& request, std::vector<claimed_segment> segments,
                                                      std::int64_t finished_unix_ms) {
  std::vector<audit_request> out;
  if (segments.empty()) return out;
  if (!requests_.contains(request.request_id)) finished(request, segments.back().worker_id, finished_unix_ms);
  const auto found = requests_.find(request.request_id);
  for (claimed_segment& segment : segments) {
    out.push_back(audit_request{request, {}, false, segment});
    if (found != requests_.end()) found->second.segments.push_back(std::move(segment));
  }
  return out;
}

std::optional<audit_request> audit_feed::audit_for(const completion_receipt& receipt) {
  const auto found = requests_.find(receipt.request_id);
  if (found == requests_.end()) return std::nullopt;
  found->second.receipt = receipt;
  return audit_request{found->second.request, receipt, false, std::nullopt};
}

std::optional<audit_request> audit_feed::audit_disputed(const completion_receipt& receipt) {
  const auto found = requests_.find(receipt.request_id);
  if (found == requests_.end() || !found->second.escalated.insert(receipt.worker_id).second) return std::nullopt;
  found->second.receipt = receipt;
  return audit_request{found->second.request, receipt, true, std::nullopt};
}

std::optional<audit_request> audit_feed::escalate(const std::string& request_id, const std::string& miner) {
  const auto found = requests_.find(request_id);
  if (found == requests_.end()) return std::nullopt;
  remembered& r = found->second;
  std::optional<audit_request> again;
  if (r.receipt && r.receipt->worker_id == miner) {
    again = audit_request{r.request, *r.receipt, true, std::nullopt};
  } else {
    const auto segment = std::find_if(r.segments.begin(), r.segments.end(),
                                      [&](const claimed_segment& s) { return s.worker_id == miner; });
    if (segment != r.segments.end()) again = audit_request{r.request, {}, true, *segment};
  }
  if (!again || !r.escalated.insert(miner).second) return std::nullopt;
  return again;
}

// Bounded by the validators that can judge a request (one verdict each, duplicates dropped).
void audit_feed::note_verdict(const audit_verdict& verdict) {
  const auto found = requests_.find(verdict.request_id);
  if (found == requests_.end()) return;
  auto& verdicts = found->second.verdicts;
  const bool seen = std::any_of(verdicts.begin(), verdicts.end(), [&](const audit_verdict& v) {
    return v.validator == verdict.validator && v.miner == verdict.miner;
  });
  if (!seen && verdicts.size() < 4 * validators_.size()) verdicts.push_back(verdict);
}

std::optional<trace_report> audit_feed::trace(const std::string& request_id) const {
  const auto found = requests_.find(request_id);
  if (found == requests_.end()) return std::nullopt;
  const remembered& r = found->second;
  std::vector<std::string> workers;  // the segments' (in order), then the last one's
  for (const claimed_segment& segment : r.segments) workers.push_back(segment.worker_id);
  if (workers.empty() || workers.back() != r.worker_id) workers.push_back(r.worker_id);
  trace_report report{request_id, r.request, workers, {}, r.verdicts, !r.escalated.empty(), r.segments};
  if (r.receipt) report.receipts.push_back(*r.receipt);
  return report;
}

std::vector<job_view> audit_feed::recent(std::size_t count) const {
  std::vector<job_view> out;
  for (auto id = order_.rbegin(); id != order_.rend() && out.size() < count; ++id) {
    const auto found = requests_.find(*id);
    if (found == requests_.end()) continue;
    const remembered& r = found->second;
    job_view job{r.request.request_id, r.request.model, r.worker_id, r.finished_unix_ms, r.receipt.has_value()};
    if (r.receipt) {
      job.prompt_tokens = r.receipt->prompt_token_count;
      job.completion_tokens = r.receipt->completion_token_count;
      job.finish_reason = r.receipt->finish_reason;
    }
    job.verdicts = static_cast<std::uint32_t>(r.verdicts.size());
    job.guilty_verdicts =
        static_cast<std::uint32_t>(std::count_if(r.verdicts.begin(), r.verdicts.end(), [](const audit_verdict& v) { return v.guilty; }));
    job.escalated = !r.escalated.empty();
    out.push_back(std::move(job));
  }
  return out;
}

bool audit_feed::is_validator(const std::string& sender, const std::string& name) const {
  if (name.find('/') != std::string::npos) return sender == name;
  return sender == name || sender == own_node_ + "/" + name;
}

bool audit_feed::from_validator(const std::string& sender) const {
  return std::any_of(validators_.begin(), validators_.end(), [&](const std::string& v) { return is_validator(sender, v); });
}

}  // namespace infergrid::matchmaker

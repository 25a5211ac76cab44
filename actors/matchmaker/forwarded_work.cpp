#include "actors/matchmaker/forwarded_work.hpp"

#include <algorithm>

#include "actors/gpu_worker/chunk_claim.hpp"

namespace infergrid::matchmaker {

void forwarded_work::started(const std::string& request_id, const std::string& worker_id, std::uint32_t first_index) {
  by_request_[request_id].push_back(segment{worker_id, first_index, 0, 0, std::nullopt});
}

void forwarded_work::forwarded(const token_chunk& chunk) {
  auto found = by_request_.find(chunk.request_id);
  if (found == by_request_.end() || found->second.empty()) return;
  segment& current = found->second.back();  // chunks come only from the job's current worker
  if (current.worker_id != chunk.worker_id) return;
  current.tokens += static_cast<std::uint32_t>(chunk.tokens.size());
  current.prompt_tokens = chunk.prompt_token_count;
  // A claim for other than what was forwarded is not kept (an earlier, smaller one may stay).
  if (has_chunk_claim(chunk) && chunk.claim_completion_tokens == current.tokens) {
    current.last_claim = partial_settlement_of(chunk);
  }
}

void forwarded_work::finished(const std::string& request_id, std::int64_t now_unix_ms) {
  if (!by_request_.contains(request_id)) return;
  finished_order_.push_back(finished_request{request_id, now_unix_ms});
  while (finished_order_.size() > max_finished || finished_order_.front().at_unix_ms < now_unix_ms - keep_finished_ms_) {
    by_request_.erase(finished_order_.front().request_id);
    finished_order_.pop_front();
  }
}

status forwarded_work::check(const completion_receipt& r) const {
  auto found = by_request_.find(r.request_id);
  if (found == by_request_.end()) {
    return make_error(error_code::permission_denied, "receipt for " + r.request_id + ": no such request was forwarded");
  }
  const segment* same_start = nullptr;
  for (const segment& s : found->second) {
    if (s.worker_id != r.worker_id || s.first_index != r.first_index) continue;
    if (s.tokens == r.completion_token_count && s.prompt_tokens == r.prompt_token_count) return {};
    same_start = &s;
  }
  if (same_start != nullptr) {
    return make_error(error_code::permission_denied,
                      "receipt for " + r.request_id + " claims " + std::to_string(r.prompt_token_count) + " prompt + " +
                          std::to_string(r.completion_token_count) + " completion tokens; the matchmaker forwarded " +
                          std::to_string(same_start->prompt_tokens) + " + " + std::to_string(same_start->tokens));
  }
  return make_error(error_code::permission_denied,
                    "receipt for " + r.request_id + ": worker " + r.worker_id.substr(0, 16) + "… streamed nothing from position " +
                        std::to_string(r.first_index));
}

std::vector<settle_receipt> forwarded_work::earlier_claims(const completion_receipt& receipt) const {
  return claims_except(receipt.request_id, std::make_pair(receipt.worker_id, receipt.first_index));
}

std::vector<settle_receipt> forwarded_work::claims_of(const std::string& request_id) const {
  return claims_except(request_id, std::nullopt);
}

std::vector<settle_receipt> forwarded_work::claims_except(
    const std::string& request_id, const std::optional<std::pair<std::string, std::uint32_t>>& skipped) const {
  std::vector<settle_receipt> out;
  auto found = by_request_.find(request_id);
  if (found == by_request_.end()) return out;
  for (const segment& s : found->second) {
    const bool own = skipped && s.worker_id == skipped->first && s.first_index == skipped->second;
    if (own || !s.last_claim) continue;
    const bool seen = std::any_of(out.begin(), out.end(), [&](const settle_receipt& c) {
      return c.miner == s.worker_id && c.first_index == s.last_claim->first_index;
    });
    if (!seen) out.push_back(*s.last_claim);
  }
  return out;
}

}  // namespace infergrid::matchmaker

#include "actors/matchmaker/forwarded_work.hpp"

#include <algorithm>

#include "actors/gpu_worker/chunk_claim.hpp"

namespace infergrid::matchmaker {

void forwarded_work::started(const std::string& request_id, const std::string& worker_id, std::uint32_t first_index) {
  segment s{worker_id, first_index, 0, 0, std::nullopt, {}, {}, false, {}, 0, first_chunk_claim_digest(request_id, first_index)};
  by_request_[request_id].push_back(std::move(s));
}

void forwarded_work::forwarded(const token_chunk& chunk) {
  auto found = by_request_.find(chunk.request_id);
  if (found == by_request_.end() || found->second.empty()) return;
  segment& current = found->second.back();  // chunks come only from the job's current worker
  if (current.worker_id != chunk.worker_id) return;
  current.tokens += static_cast<std::uint32_t>(chunk.tokens.size());
  current.prompt_tokens = chunk.prompt_token_count;
  current.streamed.insert(current.streamed.end(), chunk.tokens.begin(), chunk.tokens.end());
  current.chunk_tokens.push_back(static_cast<std::uint32_t>(chunk.tokens.size()));
  if (chunk.fingerprints.size() != 2 * chunk.tokens.size()) current.fingerprints_missing = true;
  if (current.fingerprints_missing) {
    current.fingerprints.clear();
  } else {
    current.fingerprints.insert(current.fingerprints.end(), chunk.fingerprints.begin(), chunk.fingerprints.end());
  }
  // A claim for other than what was forwarded — its count, or its digest not chaining the tokens and
  // fingerprints forwarded — is not kept (an earlier, smaller one may stay).
  const bool chains = advance_chunk_claim_chain(current.chain, chunk);
  if (has_chunk_claim(chunk) && chunk.claim_completion_tokens == current.tokens && chains) {
    current.last_claim = partial_settlement_of(chunk);
    current.claimed_chunks = current.chunk_tokens.size();
  }
}

std::vector<claimed_segment> forwarded_work::finished(const std::string& request_id, std::int64_t now_unix_ms, bool completed) {
  auto found = by_request_.find(request_id);
  if (found == by_request_.end()) return {};
  std::vector<claimed_segment> out = unreceipted(found->second, completed);
  finished_order_.push_back(finished_request{request_id, now_unix_ms});
  while (finished_order_.size() > max_finished || finished_order_.front().at_unix_ms < now_unix_ms - keep_finished_ms_) {
    by_request_.erase(finished_order_.front().request_id);
    finished_order_.pop_front();
  }
  return out;
}

std::vector<claimed_segment> forwarded_work::unreceipted(std::vector<segment>& segments, bool completed) {
  std::vector<claimed_segment> out;
  std::vector<std::int32_t> history;  // the stream from position 0, segment after segment
  for (std::size_t i = 0; i < segments.size(); ++i) {
    segment& s = segments[i];
    const bool contiguous = s.first_index == history.size();
    const bool receipted = completed && i + 1 == segments.size();
    if (contiguous && s.last_claim && !receipted && s.streamed.size() >= static_cast<std::size_t>(s.last_claim->completion_tokens)) {
      const auto claimed = static_cast<std::size_t>(s.last_claim->completion_tokens);
      claimed_segment evidence{s.worker_id, s.first_index, history, {}, {}, *s.last_claim};
      evidence.output_tokens.insert(evidence.output_tokens.end(), s.streamed.begin(),
                                    s.streamed.begin() + static_cast<std::ptrdiff_t>(claimed));
      evidence.chunk_tokens.assign(s.chunk_tokens.begin(), s.chunk_tokens.begin() + static_cast<std::ptrdiff_t>(s.claimed_chunks));
      if (!s.fingerprints_missing) {
        evidence.fingerprints.assign(s.fingerprints.begin(), s.fingerprints.begin() + static_cast<std::ptrdiff_t>(2 * claimed));
      }
      out.push_back(std::move(evidence));
    }
    history.insert(history.end(), s.streamed.begin(), s.streamed.end());
  }
  for (segment& s : segments) {  // only the counts and claims stay, for receipts
    s.streamed = {};
    s.fingerprints = {};
    s.chunk_tokens = {};
  }
  return out;
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

#include "actors/matchmaker/reputation_book.hpp"

#include <algorithm>
#include <cmath>

namespace infergrid::matchmaker {

double reputation_book::failures_now(const standing& s, clock::time_point now) const {
  const double excess = s.failures - config_.prior_failures;
  if (excess <= 0 || config_.recovery_half_life_ms <= 0) return s.failures;
  const double elapsed_ms = std::chrono::duration<double, std::milli>(now - s.at).count();
  return config_.prior_failures + excess * std::exp2(-std::max(elapsed_ms, 0.0) / config_.recovery_half_life_ms);
}

reputation_book::standing& reputation_book::entry(const std::string& miner, clock::time_point now) {
  auto found = miners_.find(miner);
  if (found == miners_.end()) {
    if (miners_.size() >= config_.miners_max) {
      // Forget the miner judged longest ago (it starts again from the prior); ties by id, so the
      // choice does not depend on the hash table's order.
      auto oldest = std::min_element(miners_.begin(), miners_.end(), [](const auto& a, const auto& b) {
        return a.second.at != b.second.at ? a.second.at < b.second.at : a.first < b.first;
      });
      miners_.erase(oldest);
    }
    found = miners_.emplace(miner, standing{config_.prior_passes, config_.prior_failures, now, 0}).first;
  }
  standing& s = found->second;
  s.failures = failures_now(s, now);
  s.at = now;
  return s;
}

void reputation_book::record_pass(const std::string& miner, clock::time_point now) { entry(miner, now).passes += 1; }

void reputation_book::record_bad_receipt(const std::string& miner, clock::time_point now) {
  entry(miner, now).failures += config_.failure_weight;
}

bool reputation_book::record_failure(const std::string& miner, const std::string& request_id, const std::string& validator,
                                     clock::time_point now) {
  standing& s = entry(miner, now);
  receipt_key receipt{request_id, miner};
  auto [votes, fresh] = guilty_votes_.try_emplace(receipt);
  if (fresh) {
    vote_order_.push_back(receipt);
    if (vote_order_.size() > config_.receipts_max) {
      guilty_votes_.erase(vote_order_.front());
      convicted_receipts_.erase(vote_order_.front());
      vote_order_.pop_front();
    }
  }
  if (!votes->second.insert(validator).second) return false;  // this validator already counted
  s.failures += config_.failure_weight;
  if (votes->second.size() < config_.conviction_quorum || convicted_receipts_.contains(receipt)) return false;
  convicted_receipts_.insert(std::move(receipt));
  s.failures += config_.conviction_weight;
  ++s.convictions;
  return true;
}

std::uint32_t reputation_book::permille(const std::string& miner, clock::time_point now) const {
  const auto found = miners_.find(miner);
  const double passes = found == miners_.end() ? config_.prior_passes : found->second.passes;
  const double failures = found == miners_.end() ? config_.prior_failures : failures_now(found->second, now);
  return static_cast<std::uint32_t>(std::lround(1000.0 * passes / (passes + failures)));
}

std::uint64_t reputation_book::convictions(const std::string& miner) const {
  const auto found = miners_.find(miner);
  return found == miners_.end() ? 0 : found->second.convictions;
}

}  // namespace infergrid::matchmaker

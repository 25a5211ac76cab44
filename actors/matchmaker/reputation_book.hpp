#pragma once
// reputation_book: how much the matchmaker trusts each miner, from the validators' verdicts.
//
// Model: a Beta posterior of "this miner answers honestly". Each miner starts from the prior
// (prior_passes, prior_failures) = reputation 500 permille. A passed audit adds 1 to passes; a
// failed audit adds failure_weight to failures; a conviction (conviction_quorum distinct validators
// found the same receipt guilty, as settlement counts them) adds conviction_weight; a receipt with a
// forged or missing signature counts as a failed audit. reputation = 1000 * passes / (passes +
// failures). Failures beyond the prior decay with a half-life (recovery_half_life_ms), so a miner
// recovers slowly: a convicted miner is routed around (reputation under routing_floor_permille)
// until enough half-lives have passed, then it is back on probation, where one more failure pushes
// it under the floor again. Bounded: the least recently judged miners are forgotten beyond
// miners_max, and convictions are tallied over the last receipts_max receipts.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

namespace infergrid::matchmaker {

struct reputation_config {
  double prior_passes = 2;
  double prior_failures = 2;
  double failure_weight = 4;              // a failed audit weighs as much as this many passes
  double conviction_weight = 40;
  std::int64_t recovery_half_life_ms = 600'000;  // failures beyond the prior halve this often
  std::uint32_t routing_floor_permille = 150;    // under it a miner gets no jobs
  std::uint32_t conviction_quorum = 3;           // as settlement's ledger conviction_quorum
  std::size_t miners_max = 100'000;
  std::size_t receipts_max = 4096;
};

class reputation_book {
 public:
  using clock = std::chrono::steady_clock;
  explicit reputation_book(reputation_config config) : config_(config) {}

  void record_pass(const std::string& miner, clock::time_point now);
  // A guilty verdict by `validator` on `miner`'s receipt of `request_id`; true when it completes a
  // conviction. Votes count per receipt (request and miner): votes naming other miners of the same
  // request never add up to convict this one.
  bool record_failure(const std::string& miner, const std::string& request_id, const std::string& validator,
                      clock::time_point now);
  void record_bad_receipt(const std::string& miner, clock::time_point now);

  std::uint32_t permille(const std::string& miner, clock::time_point now) const;
  bool routable(const std::string& miner, clock::time_point now) const {
    return permille(miner, now) >= config_.routing_floor_permille;
  }
  std::uint64_t convictions(const std::string& miner) const;
  const reputation_config& config() const { return config_; }

 private:
  struct standing {
    double passes = 0;
    double failures = 0;  // as of `at`, before decay since then
    clock::time_point at{};
    std::uint64_t convictions = 0;
  };
  standing& entry(const std::string& miner, clock::time_point now);
  double failures_now(const standing& s, clock::time_point now) const;

  reputation_config config_;
  std::unordered_map<std::string, standing> miners_;  // looked up for every routing decision: hashed
  using receipt_key = std::pair<std::string, std::string>;  // request id, miner
  std::map<receipt_key, std::set<std::string>> guilty_votes_;  // receipt -> validators
  std::deque<receipt_key> vote_order_;                        // receipts, oldest first
  std::set<receipt_key> convicted_receipts_;
};

}  // namespace infergrid::matchmaker

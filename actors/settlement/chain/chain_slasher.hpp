#pragma once
// chain_slasher: a thread that executes the ledger's convictions on the vault —
// `slash(miner, evidenceHash, signatures)`, sent and paid for by the settlement's operator key —
// while the settlement actor goes on serving. It holds a bounded queue of slashes. Before sending
// one it reads the vault's `convicted(evidenceHash)` and drops a slash the vault has executed
// already: after a restart (the actor submits every conviction not yet seen on-chain), a lost
// receipt or a node that died mid-send, a conviction is never sent twice (and the vault refuses a
// second one anyway). While the node is unreachable or a call fails it retries with a doubling
// delay up to retry_max_ms, logging once per distinct failure; a slash that fails goes to the back
// of the queue so it never holds up the others.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "actors/settlement/chain/chain_key.hpp"
#include "actors/settlement/chain/vault_rules.hpp"

namespace infergrid::chain {

struct slash_submission {
  address miner{};
  word evidence_hash{};
  std::vector<bytes> signatures_rsv;  // r | s | v each, in ascending signer address order
  bool operator==(const slash_submission&) const = default;
};

struct chain_slasher_config {
  std::string endpoint;                // http://host:port of the chain node
  address vault{};
  std::uint64_t retry_min_ms = 500;    // the first retry delay
  std::uint64_t retry_max_ms = 30000;  // the longest
  std::size_t queued_max = 1024;       // slashes waiting to be sent; more are refused (and logged)
  std::string log_source = "chain";
  std::shared_ptr<vault_rules_gate> rules;  // set: nothing is slashed until the vault's rules agree
};

class chain_slasher {
 public:
  chain_slasher(chain_slasher_config config, chain_key sender);
  ~chain_slasher();  // stops and joins (at most one node timeout, or a receipt wait)
  chain_slasher(const chain_slasher&) = delete;
  chain_slasher& operator=(const chain_slasher&) = delete;

  // Queues `slash` unless one on the same evidence is queued; false when the queue is full.
  bool submit(const slash_submission& slash);

  std::uint64_t sent() const { return sent_.load(); }            // slash transactions mined
  std::uint64_t last_gas_used() const { return last_gas_.load(); }
  std::uint64_t failures() const { return failures_.load(); }

 private:
  void run();
  status slash_once(class chain_client& client, const slash_submission& slash);
  bool sleep_for(std::uint64_t ms);  // false when stopping

  chain_slasher_config config_;
  chain_key sender_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  std::deque<slash_submission> queue_;
  std::atomic<std::uint64_t> sent_{0};
  std::atomic<std::uint64_t> last_gas_{0};
  std::atomic<std::uint64_t> failures_{0};
  std::thread thread_;
};

}  // namespace infergrid::chain

#pragma once
// epoch_anchorer: a thread that publishes closed epochs on the vault as the operator —
// `anchorEpoch(epoch, ledgerRoot, balancesRoot)` — while the settlement actor goes on serving. It
// holds at most one anchor to send, the newest: a newer epoch's roots cover an older one's (its
// balances are cumulative), so one skipped while the node was down loses nothing. Before sending it
// reads the vault's latestEpoch, and drops an anchor the chain already holds: after a restart, a
// lost receipt or a node that went away mid-send, the same epoch is never anchored twice (and the
// vault refuses a second anchor of an epoch anyway). While the node is unreachable or the call
// fails it retries with a doubling delay up to retry_max_ms, logging once per distinct failure.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "actors/settlement/chain/chain_key.hpp"
#include "actors/settlement/chain/vault_rules.hpp"

namespace infergrid::chain {

// What one epoch's anchor says. `epoch` is the vault's numbering (the ledger's epoch + 1: the vault's
// latestEpoch 0 means "none anchored").
struct epoch_anchor {
  std::uint64_t epoch = 0;
  word ledger_root{};
  word balances_root{};
  bool operator==(const epoch_anchor&) const = default;
};

struct epoch_anchorer_config {
  std::string endpoint;                 // http://host:port of the chain node
  address vault{};
  std::uint64_t retry_min_ms = 500;     // the first retry delay
  std::uint64_t retry_max_ms = 30000;   // the longest
  std::string log_source = "chain";
  std::shared_ptr<vault_rules_gate> rules;  // set: nothing is anchored until the vault's rules agree
};

class epoch_anchorer {
 public:
  epoch_anchorer(epoch_anchorer_config config, chain_key operator_key);
  ~epoch_anchorer();  // stops and joins (at most one node timeout, or a receipt wait)
  epoch_anchorer(const epoch_anchorer&) = delete;
  epoch_anchorer& operator=(const epoch_anchorer&) = delete;

  // Queues `anchor` unless one for the same or a later epoch is queued already.
  void submit(const epoch_anchor& anchor);

  std::uint64_t sent() const { return sent_.load(); }                  // anchorEpoch transactions mined
  std::uint64_t latest_anchored() const { return latest_.load(); }     // the vault's latestEpoch, as last read
  std::uint64_t failures() const { return failures_.load(); }

 private:
  void run();
  status anchor_once(class chain_client& client, const epoch_anchor& anchor);
  bool sleep_for(std::uint64_t ms);  // false when stopping

  epoch_anchorer_config config_;
  chain_key operator_key_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  std::optional<epoch_anchor> pending_;
  std::atomic<std::uint64_t> sent_{0};
  std::atomic<std::uint64_t> latest_{0};
  std::atomic<std::uint64_t> failures_{0};
  std::thread thread_;
};

}  // namespace infergrid::chain

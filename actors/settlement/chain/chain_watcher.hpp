#pragma once
// chain_watcher: a thread that follows the vault's logs on the chain, `confirmations` blocks behind
// the head, and hands them over one batch at a time to the actor that applies them. A batch stays
// outstanding until the actor says it was applied (the watcher then continues after it) or could
// not be (it is fetched again later). While the node is unreachable the watcher retries with a
// doubling delay (poll interval up to retry_max_ms), logging once when it goes down and once when
// it is back; nothing is lost, because the next block to read only moves on after an apply.
// Logs marked `removed` (a reorganisation) are dropped; confirmations keep them rare.
// A reorganisation deeper than `confirmations` is detected, not undone: the watcher remembers the
// hash of the last block it followed past (kept in the cursor across restarts) and checks it before
// every read (a node that is behind it, restarted or syncing, is waited for like a node that is
// down); a block whose hash changed under it stops the following for good (logged as an error,
// `reorganised()` says what changed), since what was booked from the old blocks may be gone from the
// chain and only an operator can reconcile that with the vault (deploy/readme/chain.md). A batch
// whose last block changed while its logs were read is read again.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "actors/settlement/chain/chain_receipt.hpp"
#include "actors/settlement/chain/vault_rules.hpp"

namespace infergrid::chain {

struct chain_watcher_config {
  std::string endpoint;                     // http://host:port of the chain node
  address vault{};                          // whose logs are followed
  std::uint64_t confirmations = 2;          // blocks a log must be buried under before it is handed over
  std::uint64_t poll_interval_ms = 500;     // how often the head is read while all is well
  std::uint64_t retry_max_ms = 30000;       // the longest wait between retries while the node is down
  std::uint64_t blocks_per_query_max = 1000;  // eth_getLogs range bound (nodes cap their ranges)
  std::string log_source = "chain";         // who the log lines name
  std::shared_ptr<vault_rules_gate> rules;  // set: nothing is followed until the vault's rules agree
};

// A block the watcher followed past, by number and hash.
struct followed_block {
  std::uint64_t number = 0;
  word hash{};
};

struct confirmed_logs {
  std::uint64_t from_block = 0;
  std::uint64_t to_block = 0;  // inclusive; the next batch starts at to_block + 1
  word to_block_hash{};
  std::uint64_t chain_id = 0;  // of the node the logs came from (identity statements name it)
  std::vector<chain_log> logs;
};

class chain_watcher {
 public:
  // Starts the thread at `next_block`; `last_followed`, when known, is block next_block - 1 as it was
  // followed. `wake` is called (from the thread) when a batch is ready to take.
  chain_watcher(chain_watcher_config config, std::uint64_t next_block, std::optional<followed_block> last_followed,
                std::function<void()> wake);
  ~chain_watcher();  // stops and joins (at most one node timeout)
  chain_watcher(const chain_watcher&) = delete;
  chain_watcher& operator=(const chain_watcher&) = delete;

  // The outstanding batch, if one is ready and not yet taken.
  std::optional<confirmed_logs> take();
  // The taken batch is committed: continue after its last block (to_block, to_block_hash).
  void applied(const followed_block& last);
  // The taken batch could not be committed: fetch it again after a retry delay.
  void retry_later();

  std::uint64_t failures() const { return failures_.load(); }
  bool node_reachable() const { return reachable_.load(); }
  std::uint64_t next_block() const;
  // "" while the chain agrees with what was followed; else what changed (following has stopped).
  std::string reorganised() const;

 private:
  void run();
  result<std::optional<confirmed_logs>> fetch(class chain_client& client);
  bool sleep_for(std::uint64_t ms);  // false when stopping

  chain_watcher_config config_;
  std::function<void()> wake_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  enum class batch_state { none, ready, taken, retry } batch_state_ = batch_state::none;
  confirmed_logs batch_;
  std::uint64_t next_block_ = 0;
  std::optional<followed_block> last_followed_;  // block next_block_ - 1 as followed
  std::string reorganised_;
  word checked_tip_{};  // the head hash the followed block was last checked under (watcher thread only)
  std::atomic<std::uint64_t> failures_{0};
  std::atomic<bool> reachable_{true};
  bool refused_vault_ = false;  // the vault's rules differ from the ledger's (logged once)
  std::thread thread_;
};

}  // namespace infergrid::chain

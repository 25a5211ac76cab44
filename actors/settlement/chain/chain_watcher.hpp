#pragma once
// chain_watcher: a thread that follows the vault's logs on the chain, `confirmations` blocks behind
// the head, and hands them over one batch at a time to the actor that applies them. A batch stays
// outstanding until the actor says it was applied (the watcher then continues after it) or could
// not be (it is fetched again later). While the node is unreachable the watcher retries with a
// doubling delay (poll interval up to retry_max_ms), logging once when it goes down and once when
// it is back; nothing is lost, because the next block to read only moves on after an apply.
// Logs marked `removed` (a reorganisation) are dropped; confirmations keep them rare.
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

struct confirmed_logs {
  std::uint64_t from_block = 0;
  std::uint64_t to_block = 0;  // inclusive; the next batch starts at to_block + 1
  std::uint64_t chain_id = 0;  // of the node the logs came from (identity statements name it)
  std::vector<chain_log> logs;
};

class chain_watcher {
 public:
  // Starts the thread; `wake` is called (from it) when a batch is ready to take.
  chain_watcher(chain_watcher_config config, std::uint64_t next_block, std::function<void()> wake);
  ~chain_watcher();  // stops and joins (at most one node timeout)
  chain_watcher(const chain_watcher&) = delete;
  chain_watcher& operator=(const chain_watcher&) = delete;

  // The outstanding batch, if one is ready and not yet taken.
  std::optional<confirmed_logs> take();
  // The taken batch is committed: continue from its to_block + 1.
  void applied(std::uint64_t to_block);
  // The taken batch could not be committed: fetch it again after a retry delay.
  void retry_later();

  std::uint64_t failures() const { return failures_.load(); }
  bool node_reachable() const { return reachable_.load(); }

 private:
  void run();
  result<std::optional<confirmed_logs>> fetch(class chain_client& client);
  bool sleep_for(std::uint64_t ms);  // false when stopping

  chain_watcher_config config_;
  std::function<void()> wake_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  enum class batch_state { none, ready, taken, retry } batch_state_ = batch_state::none;
  confirmed_logs batch_;
  std::uint64_t next_block_ = 0;
  std::atomic<std::uint64_t> failures_{0};
  std::atomic<bool> reachable_{true};
  bool refused_vault_ = false;  // the vault's rules differ from the ledger's (logged once)
  std::thread thread_;
};

}  // namespace infergrid::chain

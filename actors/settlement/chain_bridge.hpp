#pragma once
// chain_bridge: the settlement actor's side of the chain. A chain_watcher thread follows the
// vault's confirmed logs; on each wake the bridge takes the ready batch, turns its events into
// idempotent ledger commands (chain_ledger_operations.hpp) and queues them with the actor's other
// mutations. When every command of the batch is answered it saves the cursor and lets the watcher
// go on; if the ledger could not write (io_error) the batch is fetched and applied again later.
// A command the ledger refuses for good (e.g. a stake on a developer account) is logged, counted
// and skipped, so one bad event never stops the stream. The actor keeps serving meanwhile: all
// chain I/O happens on the watcher's thread. With an operator key it also anchors each closed epoch
// (chain_anchor.hpp) through an epoch_anchorer thread: the last closed epoch at start (the anchorer
// skips it when the vault holds it already) and every epoch closed afterwards.
#include <functional>
#include <memory>
#include <optional>

#include "actors/settlement/chain/chain_watcher.hpp"
#include "actors/settlement/chain/epoch_anchorer.hpp"
#include "actors/settlement/ledger/ledger.hpp"
#include "runtime/actor_waker.hpp"
#include "runtime/settings.hpp"

namespace infergrid {

// The `chain_*` keys of the settlement actor's settings (off unless chain_endpoint is set).
struct chain_bridge_settings {
  std::string endpoint;                   // chain_endpoint: http://host:port of the EVM node
  std::string vault;                      // chain_vault: the SettlementVault's address (0x…)
  std::int64_t confirmations = 2;         // chain_confirmations: blocks an event must be buried under
  std::int64_t start_block = 0;           // chain_start_block: where to read from without a cursor
  std::int64_t poll_interval_ms = 500;    // chain_poll_interval_ms: how often the head is read
  std::int64_t retry_max_ms = 30000;      // chain_retry_max_ms: the longest retry delay while the node is down
  std::string operator_key;               // chain_operator_key: file with the vault operator's secret; "" = no anchoring
};
status read_chain_bridge_settings(const settings& config, chain_bridge_settings& out);

class chain_bridge {
 public:
  using answer_fn = std::function<void(result<ledger::acknowledgement>)>;
  using enqueue_fn = std::function<void(ledger::command, answer_fn)>;

  // `cursor_path`: where the next block is kept (chain_cursor.hpp).
  static result<std::unique_ptr<chain_bridge>> create(const chain_bridge_settings& settings, std::string cursor_path,
                                                      std::string log_source);
  // Starts the watcher; `enqueue` queues a ledger command on the actor (answered after its commit).
  void start(actor_waker waker, enqueue_fn enqueue);
  void on_wake();
  // Queues the anchor of the ledger's last closed epoch (no-op without an operator key).
  void anchor_last_closed(ledger::ledger& books);

  const chain::address& vault() const { return config_.vault; }
  const chain::epoch_anchorer* anchorer() const { return anchorer_.get(); }

  std::uint64_t applied() const { return applied_; }
  std::uint64_t replayed() const { return replayed_; }
  std::uint64_t refused() const { return refused_; }

 private:
  chain_bridge(chain::chain_watcher_config config, std::string cursor_path, std::uint64_t next_block,
               std::optional<chain::chain_key> operator_key)
      : config_(std::move(config)), cursor_path_(std::move(cursor_path)), next_block_(next_block),
        operator_key_(std::move(operator_key)) {}
  void answered(const std::string& op_id, const result<ledger::acknowledgement>& ack);
  void finish_batch();

  chain::chain_watcher_config config_;
  std::string cursor_path_;
  std::uint64_t next_block_;
  enqueue_fn enqueue_;
  std::unique_ptr<chain::chain_watcher> watcher_;
  std::optional<chain::chain_key> operator_key_;
  std::unique_ptr<chain::epoch_anchorer> anchorer_;
  struct batch_in_flight {
    std::uint64_t to_block = 0;
    std::size_t unanswered = 0;
    bool retry = false;  // the ledger failed to write: fetch the batch again
  } in_flight_;
  std::uint64_t applied_ = 0;
  std::uint64_t replayed_ = 0;
  std::uint64_t refused_ = 0;
};

}  // namespace infergrid

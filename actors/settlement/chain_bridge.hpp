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
// skips it when the vault holds it already) and every epoch closed afterwards; and it executes the
// ledger's convictions on the vault (chain_convictions.hpp) through a chain_slasher thread. Identity
// bindings learned from the vault (chain_identities.hpp) are kept in the cursor with the next block.
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "actors/settlement/chain/chain_watcher.hpp"
#include "actors/settlement/chain/epoch_anchorer.hpp"
#include "actors/settlement/chain_convictions.hpp"
#include "actors/settlement/chain_cursor.hpp"
#include "actors/settlement/ledger/ledger.hpp"
#include "messages/ledger_view.hpp"
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
                                          // and no slashing on-chain (it pays the gas of both)
};
status read_chain_bridge_settings(const settings& config, chain_bridge_settings& out);

// The ledger's slashing and stake rules as the vault names them (what a vault must enforce to be
// followed; what `up --chain` deploys its vault with).
chain::vault_rules vault_rules_of(const ledger::ledger_config& ledger);

class chain_bridge {
 public:
  using answer_fn = std::function<void(result<ledger::acknowledgement>)>;
  using enqueue_fn = std::function<void(ledger::command, answer_fn)>;

  // `cursor_path`: where the next block is kept (chain_cursor.hpp); `slash_book_path`: the
  // convictions on their way to the vault (chain_slash_book.hpp). `ledger_rules`: what the ledger
  // books by (chain/vault_rules.hpp); a vault that enforces other rules is refused — at once when
  // the chain answers now (a `conflict` naming each difference), else when it first answers (then
  // logged, and nothing is followed, anchored or slashed on that vault).
  static result<std::unique_ptr<chain_bridge>> create(const chain_bridge_settings& settings,
                                                      const chain::vault_rules& ledger_rules, std::string cursor_path,
                                                      std::string slash_book_path, std::string log_source);
  // Starts the watcher; `enqueue` queues a ledger command on the actor (answered after its commit).
  // `books`: the actor's ledger, read on the actor's thread for the kinds of accounts a Staked
  // log would book to (ledger_commands_of); it outlives the bridge.
  void start(actor_waker waker, enqueue_fn enqueue, const ledger::ledger* books = nullptr);
  void on_wake();
  // Queues the anchor of the ledger's last closed epoch (no-op without an operator key).
  void anchor_last_closed(ledger::ledger& books);

  // The chain address bound to a ledger account; not_found when none is.
  result<chain_identity> identity_of(const std::string& account) const;
  // Slashing on-chain (chain_convictions.hpp): a validator's signature, a ledger conviction, an
  // epoch closed.
  result<std::uint32_t> keep_slash_signature(const chain_slash_signature& m) { return convictions_->keep_signature(m, view()); }
  void convicted(const std::string& request_id, const ledger::awaiting_slash& conviction) {
    convictions_->convicted(request_id, conviction, view());
  }
  void epoch_closed() { convictions_->epoch_closed(); }
  void recover_convictions(const ledger::ledger& books) { convictions_->recover(books, view()); }
  const chain_convictions& convictions() const { return *convictions_; }
  // Counters and state for /metrics (messages/ledger_view.hpp).
  chain_bridge_view view_for_metrics() const;

  const chain::address& vault() const { return config_.vault; }
  // The chain the bridge follows (0 until its node first answered; kept in the cursor across restarts).
  std::uint64_t chain_id() const { return cursor_.chain_id; }
  const chain_identities& identities() const { return cursor_.identities; }
  const chain::epoch_anchorer* anchorer() const { return anchorer_.get(); }

  std::uint64_t applied() const { return applied_; }
  std::uint64_t replayed() const { return replayed_; }
  std::uint64_t refused() const { return refused_; }

 private:
  const ledger::ledger* books_ = nullptr;
  std::map<std::string, ledger::account_kind> batch_kinds_;  // accounts the batch in hand creates
  chain_bridge(chain::chain_watcher_config config, std::string cursor_path, chain_cursor cursor,
               std::optional<chain::chain_key> operator_key, std::unique_ptr<chain_convictions> convictions)
      : config_(std::move(config)), cursor_path_(std::move(cursor_path)), cursor_(std::move(cursor)),
        operator_key_(std::move(operator_key)), convictions_(std::move(convictions)) {}
  chain_view view() const { return chain_view{cursor_.identities, cursor_.chain_id, config_.vault}; }
  // The ledger commands of one log; bindings and slashes are taken care of here and book none.
  std::vector<ledger::command> commands_of(const chain::chain_log& log_entry, const chain::vault_event& event);
  void answered(const std::string& op_id, const result<ledger::acknowledgement>& ack);
  void finish_batch();

  chain::chain_watcher_config config_;
  std::string cursor_path_;
  chain_cursor cursor_;  // the next block to read, the chain id and the identity bindings
  enqueue_fn enqueue_;
  std::unique_ptr<chain::chain_watcher> watcher_;
  std::optional<chain::chain_key> operator_key_;
  std::unique_ptr<chain::epoch_anchorer> anchorer_;
  std::unique_ptr<chain_convictions> convictions_;
  struct batch_in_flight {
    std::uint64_t to_block = 0;
    chain::word to_block_hash{};
    std::size_t unanswered = 0;
    bool retry = false;  // the ledger failed to write: fetch the batch again
  } in_flight_;
  std::uint64_t applied_ = 0;
  std::uint64_t replayed_ = 0;
  std::uint64_t refused_ = 0;
};

}  // namespace infergrid

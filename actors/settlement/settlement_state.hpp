#pragma once
// settlement: the actor that owns the ledger. Mutations (deposit, stake, unbond, escrow, settle,
// refund, verdict, epoch close) are queued as ledger commands and group-committed once per
// dispatch round (a zero-delay timer runs after the runtime has handed this actor up to
// dispatch_batch messages), and each is answered only after its transaction committed. Queries
// (balance, stake) are answered at once from the committed state.
//
// Settings (all optional):
//   db: infergrid-ledger.db        ledger file
//   key: <db>.key                  the ledger's signing key (hex seed; created 0600 if missing)
//   durable: true                  synchronous=FULL (false only for tests and bulk loads)
//   epoch_root_subscribers: []     actors that receive every published epoch_root
//   genesis_deposits: {}           account -> amount_micro deposited once at start (op id
//                                  "genesis/<account>": a restart replays it, never pays twice)
//   escrow_grace_ms: 30000         an escrow expires this long after its request's deadline and
//                                  is then refunded (escrow_expiry.hpp)
//   escrow_default_timeout_ms: 120000  the deadline of an escrow whose request names none
//   reconcile_interval_ms: 1000    how often open escrows are checked for expiry (also at start)
//   escrow_restart_grace_ms: 10000 after a start, an escrow already past its expiry waits this long
//                                  more, so that the receipts, claims and refunds the matchmaker and
//                                  bridges kept sending while this actor was down settle it first
//   epoch_interval_ms: 0           > 0: the actor closes the open epoch this often itself (reward pool
//                                  0, no metrics; op id "epoch-timer/<epoch>"), e.g. so the chain bridge
//                                  anchors; 0: epochs close only by epoch_close messages
//   epoch_interval_s: 0            close an epoch by demand every N s (epoch_driver.hpp); 0 = off
//                                  (not together with epoch_interval_ms)
//   epoch_demand_from: matchmaker  who measures utilisation and queue time for those closes
//   epoch_demand_timeout_ms: 5000  how long that measure may take (the close retries after)
//   chain_endpoint, chain_vault, chain_confirmations, chain_start_block, chain_poll_interval_ms,
//   chain_retry_max_ms, chain_operator_key  the chain bridge (chain_bridge.hpp): off unless chain_endpoint is set
//   <any ledger_config key>        e.g. fee_bps: 100 — used when the ledger file is created;
//                                  an existing ledger must have been created with the same values
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/settlement/chain_bridge.hpp"
#include "actors/settlement/epoch_driver.hpp"
#include "actors/settlement/epoch_earnings.hpp"
#include "actors/settlement/escrow_expiry.hpp"
#include "actors/settlement/ledger/ledger.hpp"
#include "runtime/actor_context.hpp"
#include "runtime/handler_table.hpp"
#include "runtime/settings.hpp"
#include "messages/inference.hpp"
#include "messages/ledger.hpp"

namespace infergrid {

struct settlement_settings {
  std::string db_path = "infergrid-ledger.db";
  std::string key_path;  // empty: db_path + ".key"
  bool durable = true;
  std::vector<std::string> epoch_root_subscribers;
  std::map<std::string, std::int64_t> genesis_deposits;  // account -> amount_micro, developer accounts
  escrow_expiry_settings expiry;
  std::int64_t epoch_interval_ms = 0;
  chain_bridge_settings chain;
  epoch_driver_settings epochs;
  ledger::ledger_config ledger;
};

result<settlement_settings> read_settlement_settings(const settings& config);

struct settlement_state {
  using answer_fn = std::function<void(result<ledger::acknowledgement>)>;

  settlement_state(actor_context& context, settlement_settings config, ledger::ledger opened);
  static constexpr auto read_settings = &read_settlement_settings;
  static result<std::unique_ptr<settlement_state>> create(actor_context& ctx, const settings& config);
  handler_table handlers();
  void on_start();  // the genesis deposits, refunds of expired escrows, the reconcile timer, the chain bridge
  void on_wake() {  // the chain watcher has a batch of confirmed events
    if (chain) chain->on_wake();
  }
  // Queues a refund of every open escrow past its expiry (escrow_expiry.hpp).
  void reconcile();
  // Queues the close of the open epoch (epoch_interval_ms).
  void close_epoch_by_timer();
  // After an epoch_close committed: the root to its subscribers, the anchor to the chain bridge.
  void epoch_closed(const epoch_root& root);

  // A worker's receipt (receipt_settlement.hpp): settles the request's escrow, or is counted.
  void settle_from_receipt(const completion_receipt& receipt, const envelope& in);

  // Queues `c`; `answer` runs once its group commit is done (or failed).
  void enqueue(ledger::command c, answer_fn answer);
  // Submits every queued command in one transaction and answers each.
  void flush();

  actor_context& ctx;
  settlement_settings config;
  ledger::ledger books;
  std::vector<ledger::command> queued;
  std::vector<answer_fn> answers;
  bool flush_armed = false;
  escrow_clock expiry_clock;
  std::unique_ptr<chain_bridge> chain;  // set when chain_endpoint is configured
  epoch_driver epochs;                   // closes epochs on a timer when epoch_interval_s is set
  epoch_earnings_book earnings;          // miners' earnings per closed epoch (ledger_view_query.earnings_epochs)
  std::uint64_t receipts_without_escrow = 0;  // receipts of requests nobody escrowed (dropped)
};

}  // namespace infergrid

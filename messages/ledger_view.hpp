#pragma once
// The ledger as the dashboard and `infergrid status` show it (tags 420–421, served by the settlement
// actor): accounts with their buckets and this epoch's settled tokens, the newest entries with a
// fresh check of their hash chain and signatures, and the published epoch roots. It exposes account
// data only to a sender with coordinator authority (or one in the same process): anyone else gets
// the public part (epoch, roots, the chain check) with accounts and entries left out
// (`account_data_withheld`). The HTTP bridge serves the account data only to operator keys.
#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "messages/ledger.hpp"
#include "messages/message_registry.hpp"

namespace infergrid {

inline constexpr std::uint32_t ledger_view_entries_max = 200;
inline constexpr std::uint32_t ledger_view_accounts_max = 1024;
inline constexpr std::uint32_t ledger_view_epochs_max = 64;
inline constexpr std::uint32_t ledger_view_earnings_epochs_max = 32;

struct ledger_view_query {
  static constexpr message_type id = message_type::ledger_view_query;
  static constexpr std::uint16_t version = 1;
  std::uint32_t recent_entries = 20;  // newest first; at most ledger_view_entries_max
  std::uint32_t earnings_epochs = 0;  // appended: closed epochs whose miner earnings to list (0 = none)
  MSGPACK_DEFINE(recent_entries, earnings_epochs)
};
IG_REGISTER_MESSAGE(ledger_view_query);

struct account_view {
  std::string account;
  std::uint8_t kind = 0;  // 0 developer, 1 miner, 2 validator, 3 treasury
  std::int64_t balance_micro = 0;
  std::int64_t staked_micro = 0;
  std::int64_t unbonding_micro = 0;
  std::int64_t escrowed_micro = 0;
  std::int64_t first_stake_epoch = -1;  // -1 = never staked
  std::int64_t epoch_tokens = 0;        // tokens settled to it in the open epoch (the score's useful work)
  MSGPACK_DEFINE(account, kind, balance_micro, staked_micro, unbonding_micro, escrowed_micro, first_stake_epoch,
                 epoch_tokens)
};

struct epoch_root_view {
  std::int64_t epoch = 0;
  std::uint64_t last_seq = 0;
  std::vector<std::uint8_t> root_hash;
  MSGPACK_DEFINE(epoch, last_seq, root_hash)
};

// The settlement actor's epoch driver (actors/settlement/epoch_driver.hpp): epochs closed on a
// timer with the pool the supply rule computes from measured demand.
struct epoch_driver_view {
  std::int64_t interval_s = 0;                // 0 = off (epochs close only when someone sends epoch_close)
  std::int64_t last_period_end_unix_ms = 0;   // end of the newest period the timer closed (0 = none yet)
  std::int64_t next_close_unix_ms = 0;        // when the open period ends
  std::uint64_t closes = 0;                   // epochs the timer closed since the actor started
  std::uint64_t demand_failures = 0;          // demand queries that failed (that close waits and retries)
  std::int64_t last_epoch = -1;               // the newest epoch the timer closed
  std::int64_t last_pool_micro = 0;           // its reward pool (the supply rule's, bounded by the treasury)
  std::int64_t last_tokens_served = 0;        // prompt + completion tokens the ledger settled in it
  std::int64_t last_utilisation_ppm = 0;      // as the matchmaker measured it over the period
  std::int64_t last_queue_p95_ms = 0;
  MSGPACK_DEFINE(interval_s, last_period_end_unix_ms, next_close_unix_ms, closes, demand_failures, last_epoch,
                 last_pool_micro, last_tokens_served, last_utilisation_ppm, last_queue_p95_ms)
};

// The settlement's chain bridge (deploy/readme/chain.md), for metrics; enabled false without one.
struct chain_bridge_view {
  bool enabled = false;
  bool node_reachable = false;
  std::uint64_t next_block = 0;          // the next block the watcher reads
  std::uint64_t watcher_failures = 0;    // reads that failed (node down, bad answer); it retried
  std::uint64_t operations_applied = 0;  // ledger operations booked from vault events
  std::uint64_t operations_replayed = 0; // seen again (a restart, a reread): booked once
  std::uint64_t operations_refused = 0;  // the ledger refused them (logged)
  std::uint64_t anchors_sent = 0;        // anchorEpoch transactions mined
  std::uint64_t latest_anchored_epoch = 0;
  std::uint64_t anchor_failures = 0;
  std::uint64_t slashes_sent = 0;        // slash transactions mined
  std::uint64_t slash_failures = 0;
  std::uint64_t slashes_booked = 0;      // Slashed events of this ledger's convictions booked
  std::uint64_t slashes_unknown = 0;     // Slashed events the vault executed before this ledger convicted
  std::string reorganised;               // "" unless a reorganisation deeper than the confirmations stopped it
  MSGPACK_DEFINE(enabled, node_reachable, next_block, watcher_failures, operations_applied, operations_replayed,
                 operations_refused, anchors_sent, latest_anchored_epoch, anchor_failures, slashes_sent, slash_failures,
                 slashes_booked, slashes_unknown, reorganised)
};

// What one miner account was paid in one closed epoch: its balance credits from the entries between
// the epoch's root and the one before (receipts settled, partial settlements, and the epoch close's
// reward). Account data: left out with the accounts.
struct miner_epoch_earnings {
  std::string account;
  std::int64_t receipts_micro = 0;  // settle + partial_settle credits
  std::uint32_t paid_receipts = 0;  // entries that paid it
  std::int64_t rewards_micro = 0;   // the epoch close's reward
  MSGPACK_DEFINE(account, receipts_micro, paid_receipts, rewards_micro)
};

struct epoch_earnings_view {
  std::int64_t epoch = 0;
  std::uint64_t first_seq = 0;  // the epoch's entries: first_seq ..= last_seq (its close)
  std::uint64_t last_seq = 0;
  bool complete = true;  // false: still being summed (a long epoch is read a bounded slice per view)
  std::vector<miner_epoch_earnings> miners;  // by account; miners paid nothing are left out
  MSGPACK_DEFINE(epoch, first_seq, last_seq, complete, miners)
};

struct ledger_view_report {
  static constexpr message_type id = message_type::ledger_view_report;
  static constexpr std::uint16_t version = 1;
  std::int64_t epoch = 0;  // the open epoch
  std::uint64_t last_seq = 0;
  std::vector<std::uint8_t> last_hash;
  std::vector<std::uint8_t> signer;  // the ledger's public key
  std::uint64_t open_escrows = 0;
  std::vector<account_view> accounts;       // at most ledger_view_accounts_max, by name
  bool accounts_truncated = false;
  std::vector<ledger_entry_summary> entries;  // newest first
  std::uint64_t verified_entries = 0;  // entries whose seq, link, hash and signature were checked now
  std::string verify_error;            // "" = every checked entry is sound and ends at last_hash
  std::vector<epoch_root_view> epochs;  // newest first, at most ledger_view_epochs_max
  // Reward rules (ledger_config): score weights and the early-participant multiplier.
  std::int64_t weight_useful_tokens = 0;
  std::int64_t weight_latency = 0;
  std::int64_t weight_uptime = 0;
  std::int64_t weight_accuracy = 0;
  std::int64_t early_participant_epochs = 0;
  std::int64_t early_participant_multiplier_percent = 0;
  bool account_data_withheld = false;  // the sender lacks coordinator authority: no accounts, no entries
  epoch_driver_view epoch_driver;      // appended
  std::vector<epoch_earnings_view> earnings;  // appended: the query's earnings_epochs newest closed epochs, newest first
  std::int64_t unbonding_epochs = 0;  // appended (ledger_config): stake unbonded in epoch E is withdrawable from epoch E + this
  chain_bridge_view chain;            // appended
  MSGPACK_DEFINE(epoch, last_seq, last_hash, signer, open_escrows, accounts, accounts_truncated, entries,
                 verified_entries, verify_error, epochs, weight_useful_tokens, weight_latency, weight_uptime,
                 weight_accuracy, early_participant_epochs, early_participant_multiplier_percent,
                 account_data_withheld, epoch_driver, earnings, unbonding_epochs, chain)
};
IG_REGISTER_MESSAGE(ledger_view_report);

}  // namespace infergrid

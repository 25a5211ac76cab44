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

struct ledger_view_query {
  static constexpr message_type id = message_type::ledger_view_query;
  static constexpr std::uint16_t version = 1;
  std::uint32_t recent_entries = 20;  // newest first; at most ledger_view_entries_max
  MSGPACK_DEFINE(recent_entries)
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
  MSGPACK_DEFINE(epoch, last_seq, last_hash, signer, open_escrows, accounts, accounts_truncated, entries,
                 verified_entries, verify_error, epochs, weight_useful_tokens, weight_latency, weight_uptime,
                 weight_accuracy, early_participant_epochs, early_participant_multiplier_percent,
                 account_data_withheld, epoch_driver)
};
IG_REGISTER_MESSAGE(ledger_view_report);

}  // namespace infergrid

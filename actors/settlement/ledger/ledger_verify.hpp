#pragma once
// ledger_verify: recomputes the whole chain from the database file and checks every invariant:
//  - each entry's seq has no gap, its prev_hash is the hash of the entry before, its hash matches
//    its contents and its signature verifies under the ledger's signer key;
//  - each operation decodes canonically and, replayed from genesis under the stored config, yields
//    exactly its recorded outcome (so no entry minted, lost or moved money it should not have);
//  - at every epoch close and at the end: no bucket negative, all buckets sum to the supply (which
//    only deposit/withdraw/mint/burn change), open escrows equal the escrowed buckets (closed ones
//    were fully settled + refunded when closed), unbondings match;
//  - every published epoch root is the hash of that epoch's closing entry;
//  - the accounts table equals the replayed balances, and the escrow_requests index (which refuses a
//    second escrow for a request id) holds one row per escrow entry;
//  - no open escrow is past its expiry by more than expiry_slack_ms (the settlement actor refunds
//    an expired escrow within a reconcile interval; escrows written without an expiry are exempt).
// The first failure is returned, naming the entry (or account) concerned.
#include <string>

#include "actors/settlement/ledger/amount.hpp"
#include "actors/settlement/ledger/ledger_state.hpp"
#include "runtime/result.hpp"

namespace infergrid::ledger {

struct verify_report {
  std::uint64_t entries = 0;
  std::int64_t epochs_closed = 0;
  std::size_t accounts = 0;
  std::size_t open_escrows = 0;
  micro_units supply_micro = 0;
  std::int64_t escrowed_requests = 0;  // escrow entries (request ids escrowed, open or closed)
};

struct verify_options {
  std::int64_t now_unix_ms = 0;          // 0 = the system clock
  std::int64_t expiry_slack_ms = 10000;  // how long past its expiry an escrow may still be open
};

result<verify_report> verify_ledger(const std::string& path, const verify_options& options = {});

// The first open escrow whose expiry + slack is before now, as an error naming it; ok if none.
status check_escrow_expiry(const ledger_state& state, std::int64_t now_unix_ms, std::int64_t slack_ms);

// The state the file's entries replay to under its stored config, without the chain and
// signature checks of verify: for read-only listings (`infergrid ledger escrows`).
result<ledger_state> replay_ledger_file(const std::string& path);

std::int64_t unix_ms_now();

}  // namespace infergrid::ledger

#pragma once
// vault_events: the SettlementVault's events decoded from logs. One table row per event (its
// canonical signature and its decoder); a log of another contract's event is `not_found`, a log
// whose data does not fit its event is `malformed_input`.
#include <variant>
#include <vector>

#include "actors/settlement/chain/chain_receipt.hpp"

namespace infergrid::chain {

struct deposited_event {
  address account{};
  std::uint64_t amount_micro = 0;
};
struct staked_event {
  address account{};
  std::uint8_t role = 0;
  std::uint64_t amount_micro = 0;
  std::uint64_t staked_total_micro = 0;
};
struct unbonded_event {
  address account{};
  std::uint64_t amount_micro = 0;
  std::uint64_t release_at_unix_s = 0;
};
struct unbonded_withdrawn_event {
  address account{};
  std::uint64_t amount_micro = 0;
};
struct epoch_anchored_event {
  std::uint64_t epoch = 0;
  word ledger_root{};
  word balances_root{};
  std::uint64_t withdrawable_at_unix_s = 0;
};
struct withdrawn_event {
  address account{};
  std::uint64_t epoch = 0;
  std::uint64_t amount_micro = 0;
  std::uint64_t cumulative_micro = 0;
};
struct slashed_event {
  address miner{};
  word evidence_hash{};
  std::uint64_t forfeit_micro = 0;
  std::vector<address> voters;
  std::uint64_t reward_per_voter_micro = 0;
  std::uint64_t treasury_share_micro = 0;
};
struct identity_bound_event {
  address account{};
  word ed25519_public_key{};
  bytes signature;
};

using vault_event = std::variant<deposited_event, staked_event, unbonded_event, unbonded_withdrawn_event,
                                 epoch_anchored_event, withdrawn_event, slashed_event, identity_bound_event>;

// Topic 0 of an event by its canonical signature, e.g. "Deposited(address,uint256)".
word vault_event_topic(std::string_view signature);
result<vault_event> decode_vault_event(const chain_log& log);
// Every event of `emitter` in a receipt, decoded (a log of another kind is skipped).
result<std::vector<vault_event>> vault_events_of(const transaction_receipt& receipt, const address& emitter);

}  // namespace infergrid::chain

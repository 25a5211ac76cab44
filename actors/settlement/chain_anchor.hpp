#pragma once
// chain_anchor: what the vault anchors for a closed ledger epoch (deploy/readme/chain.md,
// "Anchoring") — the vault's epoch number (the ledger's + 1), the ledger root (the hash of the
// epoch_close entry, which chains every entry before it) and the balances root (balances_tree.hpp
// over every chain address's withdrawals in all, as they stood at that close) — and an address's
// proof. An account counts for an address when it is spelled as that address (0x + 40 lowercase hex
// digits) or is a node identity bound to it (chain_identities.hpp): a bound miner's or validator's
// earnings leave through its wallet. Both count summed in the address's one leaf; other accounts
// have none.
#include <optional>

#include "actors/settlement/chain/balances_tree.hpp"
#include "actors/settlement/chain/epoch_anchorer.hpp"
#include "actors/settlement/chain_identities.hpp"
#include "actors/settlement/ledger/ledger.hpp"
#include "messages/chain_withdrawal.hpp"

namespace infergrid {

inline std::uint64_t chain_epoch_of(std::int64_t ledger_epoch) { return static_cast<std::uint64_t>(ledger_epoch) + 1; }

// The leaves of a closed epoch's balances tree, one per address, in address order.
// The address an account's withdrawals leave through: the account itself when it is spelled as one
// ("0x" + 40 lowercase hex digits), else the wallet its node identity is bound to (none: neither).
std::optional<chain::address> paid_address_of(const std::string& account, const chain_identities& identities);
std::vector<chain::balance_leaf> balance_leaves_of(const ledger::closed_withdrawals& closed, const chain_identities& identities);
// Their root; the zero word when there are none (no proof leads to it).
chain::word balances_root_of(const std::vector<chain::balance_leaf>& leaves);
// The anchor of the last closed epoch; nullopt before the first close.
result<std::optional<chain::epoch_anchor>> last_closed_epoch_anchor(ledger::ledger& books, const chain_identities& identities);
// The proof of what the last closed epoch grants `account` (an address, or an identity bound to one:
// the proof is its address's); not_found when it grants nothing.
result<chain_withdrawal_proof> withdrawal_proof_of(const ledger::closed_withdrawals& closed, const std::string& account,
                                                   const chain_identities& identities);

}  // namespace infergrid

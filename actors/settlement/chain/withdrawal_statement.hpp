#pragma once
// withdrawal_statement: what an account signs with its chain key to move ledger balance out
// through the vault (deploy/readme/chain.md, "Withdrawals"). The settlement actor books the amount
// as the account's withdrawal (ledger withdraw_op, op id "chain-withdrawal/<op_id>"); the next
// anchored epoch's balances root grants it, and `SettlementVault.withdraw` pays it.
//   digest = keccak256(abi.encode(keccak256("infergrid.withdrawal.v2"), chain_id, vault, account, amount,
//                                 keccak256(op_id)))
// signed raw (no message prefix); r | s | v, v = 27 or 28. The op id makes a signed request
// idempotent: resent, it is a replay; it cannot be booked under another op id. The chain id binds it
// to one chain, as the identity and slash statements are (v1 named the vault alone: a vault at the
// same address on another chain would have taken the same signature).
#include <string_view>

#include "actors/settlement/chain/chain_key.hpp"

namespace infergrid::chain {

word withdrawal_digest(std::uint64_t chain_id, const address& vault, const address& account, std::uint64_t amount_micro,
                       std::string_view op_id);
bytes sign_withdrawal(const chain_key& account, std::uint64_t chain_id, const address& vault, std::uint64_t amount_micro,
                      std::string_view op_id);
// Checks that `signature_rsv` is `account`'s signature of the statement.
status verify_withdrawal(std::uint64_t chain_id, const address& vault, const address& account, std::uint64_t amount_micro,
                         std::string_view op_id, std::span<const std::uint8_t> signature_rsv);

}  // namespace infergrid::chain

#pragma once
// Withdrawals through the on-chain vault (tags 422–424, served by the settlement actor with its
// chain bridge on; deploy/readme/chain.md, "Withdrawals"). An account named by its chain address
// (0x + 40 lowercase hex digits) asks the ledger to move `amount_micro` of its free balance out,
// signed with its chain key (actors/settlement/chain/withdrawal_statement.hpp), so anyone may send
// it; it is answered with a ledger_ack. The next closed epoch's balances root grants the account
// its withdrawals in all; chain_withdrawal_proof hands out its Merkle proof for SettlementVault.withdraw.
#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "messages/message_registry.hpp"

namespace infergrid {

struct chain_withdrawal_request {
  static constexpr message_type id = message_type::chain_withdrawal_request;
  static constexpr std::uint16_t version = 1;
  std::string op_id;  // signed with the rest: the ledger's idempotency key is "chain-withdrawal/<op_id>"
  std::string account;
  std::int64_t amount_micro = 0;
  std::vector<std::uint8_t> signature;  // r | s | v over withdrawal_digest(chain_id, vault, account, amount, op_id)
  MSGPACK_DEFINE(op_id, account, amount_micro, signature)
};
IG_REGISTER_MESSAGE(chain_withdrawal_request);

// The proof of what the last closed epoch grants `account`, answered with chain_withdrawal_proof
// (not_found when that epoch grants it nothing).
struct chain_withdrawal_proof_query {
  static constexpr message_type id = message_type::chain_withdrawal_proof_query;
  static constexpr std::uint16_t version = 1;
  std::string account;
  MSGPACK_DEFINE(account)
};
IG_REGISTER_MESSAGE(chain_withdrawal_proof_query);

struct chain_withdrawal_proof {
  static constexpr message_type id = message_type::chain_withdrawal_proof;
  static constexpr std::uint16_t version = 1;
  std::string account;
  std::uint64_t chain_epoch = 0;  // the vault's epoch number (the ledger's closed epoch + 1)
  std::int64_t cumulative_micro = 0;  // the account's withdrawals in all, as of that epoch's close
  std::vector<std::vector<std::uint8_t>> proof;  // 32-byte sibling hashes, leaf to root
  std::vector<std::uint8_t> balances_root;
  MSGPACK_DEFINE(account, chain_epoch, cumulative_micro, proof, balances_root)
};
IG_REGISTER_MESSAGE(chain_withdrawal_proof);

}  // namespace infergrid

#pragma once
// Convictions executed on the vault (tags 426–429, served by the settlement actor with its chain
// bridge on; deploy/readme/chain.md, "Slashing on-chain"). A validator that judged a receipt guilty
// asks for the miner's chain identity (its address and the Ed25519 statement binding it, which the
// validator checks itself), signs the vault's slash statement for the conviction with its own chain
// key and hands the signature to settlement before its verdict. Once the ledger convicts, settlement
// sends SettlementVault.slash with the quorum's signatures.
#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "messages/message_registry.hpp"

namespace infergrid {

// Tags 426–429 of the ledger block (ids.hpp lists 400–421, chain_withdrawal.hpp 422–424,
// account_history.hpp 425; these join the enum with the next change that rebuilds everything).
inline constexpr message_type chain_identity_query_tag = static_cast<message_type>(426);
inline constexpr message_type chain_identity_tag = static_cast<message_type>(427);
inline constexpr message_type chain_slash_signature_tag = static_cast<message_type>(428);
inline constexpr message_type chain_slash_signature_ack_tag = static_cast<message_type>(429);

// The chain address bound to a ledger account (an Ed25519 identity in hex), answered with
// chain_identity; not_found when the vault holds no verified binding of it.
struct chain_identity_query {
  static constexpr message_type id = chain_identity_query_tag;
  static constexpr std::uint16_t version = 1;
  std::string account;
  MSGPACK_DEFINE(account)
};
IG_REGISTER_MESSAGE(chain_identity_query);

struct chain_identity {
  static constexpr message_type id = chain_identity_tag;
  static constexpr std::uint16_t version = 1;
  std::string account;                          // the Ed25519 public key in hex
  std::string chain_address;                    // 0x + 40 lowercase hex digits
  std::vector<std::uint8_t> binding_signature;  // the account's Ed25519 signature of its identity statement
  MSGPACK_DEFINE(account, chain_address, binding_signature)
};
IG_REGISTER_MESSAGE(chain_identity);

// A validator's signature (r | s | v, its chain key) of the vault's slash statement for convicting
// `miner` on receipt `request_id` (chain/slash_statement.hpp: conviction_evidence). Answered with
// chain_slash_signature_ack once it is kept (on disk) for that conviction.
struct chain_slash_signature {
  static constexpr message_type id = chain_slash_signature_tag;
  static constexpr std::uint16_t version = 1;
  std::string request_id;
  std::string miner;      // ledger account (Ed25519 hex), as in the verdict
  std::string validator;  // ledger account (Ed25519 hex), as in the verdict
  std::vector<std::uint8_t> signature;
  MSGPACK_DEFINE(request_id, miner, validator, signature)
};
IG_REGISTER_MESSAGE(chain_slash_signature);

struct chain_slash_signature_ack {
  static constexpr message_type id = chain_slash_signature_ack_tag;
  static constexpr std::uint16_t version = 1;
  std::string request_id;
  std::uint32_t signatures_kept = 0;  // for this conviction so far, this one included
  MSGPACK_DEFINE(request_id, signatures_kept)
};
IG_REGISTER_MESSAGE(chain_slash_signature_ack);

}  // namespace infergrid

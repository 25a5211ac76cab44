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

// The chain address bound to a ledger account (an Ed25519 identity in hex), answered with
// chain_identity; not_found when the vault holds no verified binding of it.
struct chain_identity_query {
  static constexpr message_type id = message_type::chain_identity_query;
  static constexpr std::uint16_t version = 1;
  std::string account;
  MSGPACK_DEFINE(account)
};
IG_REGISTER_MESSAGE(chain_identity_query);

struct chain_identity {
  static constexpr message_type id = message_type::chain_identity;
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
  static constexpr message_type id = message_type::chain_slash_signature;
  static constexpr std::uint16_t version = 1;
  std::string request_id;
  std::string miner;      // ledger account (Ed25519 hex), as in the verdict
  std::string validator;  // ledger account (Ed25519 hex), as in the verdict
  std::vector<std::uint8_t> signature;
  MSGPACK_DEFINE(request_id, miner, validator, signature)
};
IG_REGISTER_MESSAGE(chain_slash_signature);

struct chain_slash_signature_ack {
  static constexpr message_type id = message_type::chain_slash_signature_ack;
  static constexpr std::uint16_t version = 1;
  std::string request_id;
  std::uint32_t signatures_kept = 0;  // for this conviction so far, this one included
  MSGPACK_DEFINE(request_id, signatures_kept)
};
IG_REGISTER_MESSAGE(chain_slash_signature_ack);

}  // namespace infergrid

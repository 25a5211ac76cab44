#pragma once
// slash_statement: what a validator signs to convict a miner on-chain, exactly as
// SettlementVault.slashDigest computes it:
//   keccak256(abi.encode(keccak256("infergrid.slash.v1"), chain_id, vault, miner, evidence_hash))
// signed raw (no message prefix) with the validator's staked chain key; r | s | v, v = 27 or 28.
#include "actors/settlement/chain/chain_key.hpp"

namespace infergrid::chain {

word slash_digest(std::uint64_t chain_id, const address& vault, const address& miner, const word& evidence_hash);
bytes sign_slash(const chain_key& validator, std::uint64_t chain_id, const address& vault, const address& miner,
                 const word& evidence_hash);

}  // namespace infergrid::chain

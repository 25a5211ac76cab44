#pragma once
// slash_statement: what a validator signs to convict a miner on-chain, exactly as
// SettlementVault.slashDigest computes it:
//   keccak256(abi.encode(keccak256("infergrid.slash.v1"), chain_id, vault, miner, evidence_hash))
// signed raw (no message prefix) with the validator's staked chain key; r | s | v, v = 27 or 28.
// The evidence of a ledger conviction is the receipt the quorum judged — the ledger convicts a
// request once, the vault an evidence hash once — so every validator of the quorum signs the same:
//   conviction_evidence = keccak256(abi.encode(keccak256("infergrid.conviction.v1"),
//                                              keccak256(request_id), keccak256(miner_account)))
#include "actors/settlement/chain/chain_key.hpp"

namespace infergrid::chain {

word conviction_evidence(std::string_view request_id, std::string_view miner_account);
word slash_digest(std::uint64_t chain_id, const address& vault, const address& miner, const word& evidence_hash);
bytes sign_slash(const chain_key& validator, std::uint64_t chain_id, const address& vault, const address& miner,
                 const word& evidence_hash);

}  // namespace infergrid::chain

#include "actors/settlement/chain/slash_statement.hpp"

#include "actors/settlement/chain/abi.hpp"
#include "actors/settlement/chain/keccak.hpp"

namespace infergrid::chain {

word conviction_evidence(std::string_view request_id, std::string_view miner_account) {
  return keccak256(abi_encode({keccak256(std::string_view("infergrid.conviction.v1")), keccak256(request_id),
                               keccak256(miner_account)}));
}

word slash_digest(std::uint64_t chain_id, const address& vault, const address& miner, const word& evidence_hash) {
  return keccak256(abi_encode({keccak256(std::string_view("infergrid.slash.v1")), abi_uint(chain_id),
                               abi_address(vault), abi_address(miner), evidence_hash}));
}

bytes sign_slash(const chain_key& validator, std::uint64_t chain_id, const address& vault, const address& miner,
                 const word& evidence_hash) {
  return validator.sign(slash_digest(chain_id, vault, miner, evidence_hash)).to_rsv();
}

}  // namespace infergrid::chain

#pragma once
// eip1559_transaction: a type-2 transaction (EIP-1559, typed by EIP-2718) with an empty access
// list. The signing hash is keccak256(0x02 | rlp([chain_id, nonce, max_priority_fee_per_gas,
// max_fee_per_gas, gas_limit, to, value, data, access_list])); the raw transaction appends
// y_parity, r, s to that list.
#include <optional>

#include "actors/settlement/chain/chain_key.hpp"

namespace infergrid::chain {

struct eip1559_transaction {
  std::uint64_t chain_id = 0;
  std::uint64_t nonce = 0;
  std::uint64_t max_priority_fee_per_gas_wei = 0;
  std::uint64_t max_fee_per_gas_wei = 0;
  std::uint64_t gas_limit = 0;
  std::optional<address> to;  // none: a contract creation
  word value_wei{};
  bytes data;

  word signing_hash() const;
  // 0x02 | rlp([fields..., y_parity, r, s]): what eth_sendRawTransaction takes.
  bytes signed_raw(const chain_key& key) const;
  bytes raw_with(const recoverable_signature& signature) const;
};

}  // namespace infergrid::chain

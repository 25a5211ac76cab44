#include "actors/settlement/chain/eip1559_transaction.hpp"

#include "actors/settlement/chain/keccak.hpp"
#include "actors/settlement/chain/rlp.hpp"

namespace infergrid::chain {
namespace {

constexpr std::uint8_t transaction_type = 0x02;

std::vector<bytes> unsigned_fields(const eip1559_transaction& tx) {
  return {
      rlp_uint(tx.chain_id),
      rlp_uint(tx.nonce),
      rlp_uint(tx.max_priority_fee_per_gas_wei),
      rlp_uint(tx.max_fee_per_gas_wei),
      rlp_uint(tx.gas_limit),
      tx.to ? rlp_string(*tx.to) : rlp_string({}),
      rlp_uint_bytes(tx.value_wei),
      rlp_string(tx.data),
      rlp_list({}),  // access list
  };
}

bytes typed(const bytes& payload) {
  bytes out{transaction_type};
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

}  // namespace

word eip1559_transaction::signing_hash() const { return keccak256(typed(rlp_list(unsigned_fields(*this)))); }

bytes eip1559_transaction::raw_with(const recoverable_signature& signature) const {
  std::vector<bytes> fields = unsigned_fields(*this);
  fields.push_back(rlp_uint(signature.recovery_id));
  fields.push_back(rlp_uint_bytes(signature.r));
  fields.push_back(rlp_uint_bytes(signature.s));
  return typed(rlp_list(fields));
}

bytes eip1559_transaction::signed_raw(const chain_key& key) const { return raw_with(key.sign(signing_hash())); }

}  // namespace infergrid::chain

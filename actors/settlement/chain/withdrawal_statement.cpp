#include "actors/settlement/chain/withdrawal_statement.hpp"

#include <algorithm>
#include <string>

#include "actors/settlement/chain/abi.hpp"
#include "actors/settlement/chain/keccak.hpp"

namespace infergrid::chain {

word withdrawal_digest(std::uint64_t chain_id, const address& vault, const address& account, std::uint64_t amount_micro,
                       std::string_view op_id) {
  return keccak256(abi_encode({keccak256(std::string_view("infergrid.withdrawal.v2")), abi_uint(chain_id), abi_address(vault),
                               abi_address(account), abi_uint(amount_micro), keccak256(op_id)}));
}

bytes sign_withdrawal(const chain_key& account, std::uint64_t chain_id, const address& vault, std::uint64_t amount_micro,
                      std::string_view op_id) {
  return account.sign(withdrawal_digest(chain_id, vault, account.chain_address(), amount_micro, op_id)).to_rsv();
}

status verify_withdrawal(std::uint64_t chain_id, const address& vault, const address& account, std::uint64_t amount_micro,
                         std::string_view op_id, std::span<const std::uint8_t> signature_rsv) {
  if (signature_rsv.size() != 65 || (signature_rsv[64] != 27 && signature_rsv[64] != 28)) {
    return make_error(error_code::bad_signature, "a withdrawal signature is 65 bytes r | s | v with v 27 or 28");
  }
  recoverable_signature signature;
  std::copy_n(signature_rsv.begin(), 32, signature.r.begin());
  std::copy_n(signature_rsv.begin() + 32, 32, signature.s.begin());
  signature.recovery_id = static_cast<std::uint8_t>(signature_rsv[64] - 27);
  auto signer = recover_signer(withdrawal_digest(chain_id, vault, account, amount_micro, op_id), signature);
  if (!signer.ok()) return signer.err();
  if (*signer != account) {
    return make_error(error_code::bad_signature, "the withdrawal of " + to_hex_0x(account) +
                                                     " is not signed by its key for this vault on chain " +
                                                     std::to_string(chain_id));
  }
  return {};
}

}  // namespace infergrid::chain

#include "actors/settlement/chain/identity_binding.hpp"

#include <algorithm>

namespace infergrid::chain {

bytes identity_statement(std::uint64_t chain_id, const address& vault, const address& account) {
  constexpr std::string_view tag = "infergrid.identity.v1";
  bytes out(tag.begin(), tag.end());
  const word chain = word_from_u64(chain_id);
  out.insert(out.end(), chain.begin(), chain.end());
  out.insert(out.end(), vault.begin(), vault.end());
  out.insert(out.end(), account.begin(), account.end());
  return out;
}

bytes sign_identity_binding(const identity& node, std::uint64_t chain_id, const address& vault, const address& account) {
  const signature sig = node.sign(identity_statement(chain_id, vault, account));
  return bytes(sig.begin(), sig.end());
}

status verify_identity_binding(const identity_bound_event& event, std::uint64_t chain_id, const address& vault) {
  if (event.signature.size() != std::tuple_size_v<signature>) {
    return make_error(error_code::bad_signature, "identity binding signature is not 64 bytes");
  }
  signature sig{};
  std::copy(event.signature.begin(), event.signature.end(), sig.begin());
  public_key key{};
  std::copy(event.ed25519_public_key.begin(), event.ed25519_public_key.end(), key.begin());
  if (!verify_signature(key, identity_statement(chain_id, vault, event.account), sig)) {
    return make_error(error_code::bad_signature, "identity binding of " + to_hex_0x(event.account) +
                                                     " is not signed by the Ed25519 key it names");
  }
  return {};
}

}  // namespace infergrid::chain

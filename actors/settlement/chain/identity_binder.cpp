#include "actors/settlement/chain/identity_binder.hpp"

#include <algorithm>

#include "actors/settlement/chain/contract_views.hpp"
#include "actors/settlement/chain/identity_binding.hpp"
#include "actors/settlement/chain/vault_calls.hpp"

namespace infergrid::chain {

word identity_key_word(const identity& node) {
  word key{};
  std::copy(node.public_id().begin(), node.public_id().end(), key.begin());
  return key;
}

result<std::optional<transaction_receipt>> bind_identity_once(chain_client& client, const address& vault,
                                                              std::uint64_t chain_id, const chain_key& wallet,
                                                              const identity& node) {
  const address account = wallet.chain_address();
  const word key = identity_key_word(node);
  auto bound = read_word(client, vault, vault_call::identity_of(account));
  if (!bound.ok()) return bound.err();
  if (*bound == key) return std::optional<transaction_receipt>();
  if (*bound != word{}) {
    return make_error(error_code::conflict, "wallet " + to_hex_0x(account) + " is already bound to node " + to_hex(*bound) +
                                                "; a wallet binds once");
  }
  auto receipt = client.send(wallet, vault, vault_call::bind_identity(key, sign_identity_binding(node, chain_id, vault, account)));
  if (!receipt.ok()) return receipt.err();
  return std::optional<transaction_receipt>(std::move(*receipt));
}

}  // namespace infergrid::chain

#pragma once
// identity_binder: binding a node's identity to a wallet on the vault once (identity_binding.hpp has
// the statement) — what `infergrid chain bind` and `infergrid up --chain` both do. It reads
// identityOf first, so a binding already there costs no gas and a wallet bound to another node is a
// clear error before the vault would revert.
#include <optional>

#include "actors/settlement/chain/chain_client.hpp"
#include "runtime/identity.hpp"

namespace infergrid::chain {

// The node's Ed25519 public key as the vault's bytes32.
word identity_key_word(const identity& node);

// The bindIdentity transaction's receipt, or nullopt when the wallet is bound to `node` already; a
// wallet bound to another node is `conflict` ("wallet 0x… is already bound to node …; a wallet binds
// once"), and the vault's refusals (e.g. after the wallet staked) come back as the send's error.
result<std::optional<transaction_receipt>> bind_identity_once(chain_client& client, const address& vault,
                                                              std::uint64_t chain_id, const chain_key& wallet,
                                                              const identity& node);

}  // namespace infergrid::chain

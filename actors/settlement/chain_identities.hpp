#pragma once
// chain_identities: which chain address is which node (deploy/readme/chain.md, "Identity"), learned
// from the vault's confirmed IdentityBound events. A binding counts when its Ed25519 statement
// verifies and neither the address nor the key is bound yet: the first verified binding in chain
// order wins, so rereading the chain rebuilds the same map. The vault lets an address bind once and
// only before its first stake, so every stake, unbonding and slash of a bound address comes after
// its binding, and the bridge books them to the node's ledger account (its Ed25519 key in hex) —
// the account its receipts are paid to and its verdicts are signed by. Kept in the chain cursor.
#include <map>
#include <optional>
#include <string>

#include "actors/settlement/chain/vault_events.hpp"

namespace infergrid {

// One verified binding: the node's ledger account (its Ed25519 key in hex) and its signature of
// the identity statement (chain/identity_binding.hpp), which anyone can check again.
struct chain_identity_binding {
  std::string identity_account;
  chain::bytes signature;
  bool operator==(const chain_identity_binding&) const = default;
};

class chain_identities {
 public:
  // Learns a confirmed binding; an error says why it does not count (it changes nothing then).
  status learn(const chain::identity_bound_event& bound, std::uint64_t chain_id, const chain::address& vault);
  // A binding read back from the cursor (learned and checked before).
  void restore(const chain::address& account, chain_identity_binding binding);

  const chain_identity_binding* binding_of(const chain::address& account) const;
  std::optional<chain::address> address_of(std::string_view identity_account) const;
  // The ledger account a vault event about `account` is booked to: its identity when bound, else
  // the address itself ("0x" + 40 lowercase hex digits).
  std::string ledger_account(const chain::address& account) const;

  const std::map<chain::address, chain_identity_binding>& all() const { return by_address_; }

 private:
  std::map<chain::address, chain_identity_binding> by_address_;
  std::map<std::string, chain::address, std::less<>> by_identity_;
};

}  // namespace infergrid

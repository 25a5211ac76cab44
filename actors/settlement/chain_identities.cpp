#include "actors/settlement/chain_identities.hpp"

#include "actors/settlement/chain/identity_binding.hpp"
#include "actors/settlement/chain_ledger_operations.hpp"
#include "runtime/identity.hpp"

namespace infergrid {

status chain_identities::learn(const chain::identity_bound_event& bound, std::uint64_t chain_id, const chain::address& vault) {
  IG_TRY(chain::verify_identity_binding(bound, chain_id, vault));
  const std::string identity_account = to_hex(bound.ed25519_public_key);
  if (by_address_.contains(bound.account)) {
    return make_error(error_code::conflict, chain::to_hex_0x(bound.account) + " is bound already");
  }
  if (by_identity_.contains(identity_account)) {
    return make_error(error_code::conflict, "identity " + identity_account + " is bound to " +
                                                chain::to_hex_0x(by_identity_.find(identity_account)->second) + " already");
  }
  restore(bound.account, chain_identity_binding{identity_account, bound.signature});
  return {};
}

void chain_identities::restore(const chain::address& account, chain_identity_binding binding) {
  by_identity_.insert_or_assign(binding.identity_account, account);
  by_address_.insert_or_assign(account, std::move(binding));
}

const chain_identity_binding* chain_identities::binding_of(const chain::address& account) const {
  const auto found = by_address_.find(account);
  return found == by_address_.end() ? nullptr : &found->second;
}

std::optional<chain::address> chain_identities::address_of(std::string_view identity_account) const {
  const auto found = by_identity_.find(identity_account);
  if (found == by_identity_.end()) return std::nullopt;
  return found->second;
}

std::string chain_identities::ledger_account(const chain::address& account) const {
  const chain_identity_binding* bound = binding_of(account);
  return bound != nullptr ? bound->identity_account : ledger_account_of(account);
}

}  // namespace infergrid

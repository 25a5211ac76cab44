#include "actors/settlement/chain_anchor.hpp"

#include <algorithm>
#include <map>

#include "actors/settlement/chain_ledger_operations.hpp"

namespace infergrid {
namespace {

// The chain address an account id names, when it is one in the ledger's spelling of them.
std::optional<chain::address> chain_address_of(const std::string& account) {
  auto parsed = chain::address_from_hex(account);
  if (!parsed.ok() || ledger_account_of(*parsed) != account) return std::nullopt;
  return *parsed;
}

}  // namespace

std::optional<chain::address> paid_address_of(const std::string& account, const chain_identities& identities) {
  if (auto address = chain_address_of(account)) return address;
  return identities.address_of(account);
}

std::vector<chain::balance_leaf> balance_leaves_of(const ledger::closed_withdrawals& closed, const chain_identities& identities) {
  std::map<chain::address, std::uint64_t> by_address;
  for (const auto& [account, withdrawn_micro] : closed.withdrawn_micro) {
    if (auto address = paid_address_of(account, identities)) by_address[*address] += static_cast<std::uint64_t>(withdrawn_micro);
  }
  std::vector<chain::balance_leaf> leaves;
  for (const auto& [address, cumulative_micro] : by_address) leaves.push_back({address, cumulative_micro});
  return leaves;
}

chain::word balances_root_of(const std::vector<chain::balance_leaf>& leaves) {
  if (leaves.empty()) return chain::word{};
  auto tree = chain::balances_tree::build(leaves);
  return tree.ok() ? tree->root() : chain::word{};  // leaves come from a map: never empty nor twice here
}

result<std::optional<chain::epoch_anchor>> last_closed_epoch_anchor(ledger::ledger& books, const chain_identities& identities) {
  const ledger::closed_withdrawals& closed = books.state().withdrawn_at_close();
  if (closed.epoch < 0) return std::optional<chain::epoch_anchor>();
  auto roots = books.store().epoch_roots();
  if (!roots.ok()) return roots.err();
  for (const ledger::epoch_root& root : *roots) {
    if (root.epoch != closed.epoch) continue;
    chain::word ledger_root{};
    std::copy(root.root_hash.begin(), root.root_hash.end(), ledger_root.begin());
    return std::optional<chain::epoch_anchor>(
        chain::epoch_anchor{chain_epoch_of(closed.epoch), ledger_root, balances_root_of(balance_leaves_of(closed, identities))});
  }
  return make_error(error_code::internal, "the ledger has no root for its closed epoch " + std::to_string(closed.epoch));
}

result<chain_withdrawal_proof> withdrawal_proof_of(const ledger::closed_withdrawals& closed, const std::string& account,
                                                   const chain_identities& identities) {
  const std::vector<chain::balance_leaf> leaves = balance_leaves_of(closed, identities);
  auto address = paid_address_of(account, identities);
  if (!address) {
    return make_error(error_code::invalid_argument, account + " is neither a chain address (0x + 40 lowercase hex digits) nor "
                                                              "a node identity bound to one");
  }
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    if (leaves[i].account != *address) continue;
    auto tree = chain::balances_tree::build(leaves);
    if (!tree.ok()) return tree.err();
    chain_withdrawal_proof out{ledger_account_of(*address), chain_epoch_of(closed.epoch),
                               static_cast<std::int64_t>(leaves[i].cumulative_micro), {},
                               std::vector<std::uint8_t>(tree->root().begin(), tree->root().end())};
    for (const chain::word& sibling : tree->proof(i)) out.proof.emplace_back(sibling.begin(), sibling.end());
    return out;
  }
  if (closed.epoch < 0) return make_error(error_code::not_found, "no epoch has closed yet");
  return make_error(error_code::not_found, "epoch " + std::to_string(chain_epoch_of(closed.epoch)) + " grants " + account +
                                               " no withdrawal (ask for one first; it counts from the next epoch close)");
}

}  // namespace infergrid

// chain_anchor: the balances tree of a closed epoch holds every chain account's withdrawals in all as
// they stood at the close (later ones wait for the next close), only for accounts spelled as chain
// addresses or node identities bound to one (summed with the address's own), and each proof leads to
// the root the vault is given.
#include <gtest/gtest.h>

#include "actors/settlement/chain_anchor.hpp"

namespace infergrid {
namespace {

namespace lg = ledger;
const std::string alice = "0x00000000000000000000000000000000000000a1";
const std::string bob = "0x00000000000000000000000000000000000000b2";
const chain_identities none;

lg::ledger_state funded_state() {
  lg::ledger_state state(lg::ledger_config{});
  for (const std::string& account : {alice, bob, std::string("carol"), std::string("0x00000000000000000000000000000000000000A3")}) {
    EXPECT_TRUE(state.apply(lg::deposit_op{account, 0, 100}).ok());
    EXPECT_TRUE(state.apply(lg::withdraw_op{account, 10}).ok());
  }
  return state;
}

TEST(ChainAnchor, LeavesAreChainAccountsWithdrawalsAtTheClose) {
  lg::ledger_state state = funded_state();
  EXPECT_TRUE(state.apply(lg::withdraw_op{alice, 5}).ok());
  EXPECT_EQ(state.withdrawn_at_close().epoch, -1);
  ASSERT_TRUE(state.apply(lg::epoch_close_op{0, 0, {}}).ok());
  EXPECT_TRUE(state.apply(lg::withdraw_op{bob, 7}).ok());  // after the close: the next epoch's
  const std::vector<chain::balance_leaf> leaves = balance_leaves_of(state.withdrawn_at_close(), none);
  ASSERT_EQ(leaves.size(), 2u);  // "carol" and the upper-case spelling have no leaf
  EXPECT_EQ(leaves[0].cumulative_micro, 15u);
  EXPECT_EQ(leaves[1].cumulative_micro, 10u);
  EXPECT_EQ(state.withdrawn().at(bob), 17);

  auto proof = withdrawal_proof_of(state.withdrawn_at_close(), bob, none);
  ASSERT_TRUE(proof.ok()) << proof.err().message;
  EXPECT_EQ(proof->chain_epoch, 1u);
  EXPECT_EQ(proof->cumulative_micro, 10);
  std::vector<chain::word> siblings;
  for (const auto& s : proof->proof) {
    siblings.emplace_back();
    std::copy(s.begin(), s.end(), siblings.back().begin());
  }
  const chain::word root = chain::root_from_proof(chain::balance_leaf_hash(leaves[1]), siblings);
  EXPECT_EQ(root, balances_root_of(leaves));
  EXPECT_EQ(std::vector<std::uint8_t>(root.begin(), root.end()), proof->balances_root);
  EXPECT_EQ(withdrawal_proof_of(state.withdrawn_at_close(), "0x00000000000000000000000000000000000000c4", none).err().code,
            error_code::not_found);
}

TEST(ChainAnchor, ABoundIdentityCountsForItsWalletsLeaf) {
  lg::ledger_state state = funded_state();
  const std::string node = std::string(64, 'e');
  EXPECT_TRUE(state.apply(lg::deposit_op{node, 1, 100}).ok());
  EXPECT_TRUE(state.apply(lg::withdraw_op{node, 30}).ok());
  ASSERT_TRUE(state.apply(lg::epoch_close_op{0, 0, {}}).ok());
  EXPECT_EQ(balance_leaves_of(state.withdrawn_at_close(), none).size(), 2u);  // unbound: no leaf
  EXPECT_EQ(withdrawal_proof_of(state.withdrawn_at_close(), node, none).err().code, error_code::invalid_argument);

  chain_identities identities;
  identities.restore(*chain::address_from_hex(bob), chain_identity_binding{node, {}});
  const std::vector<chain::balance_leaf> leaves = balance_leaves_of(state.withdrawn_at_close(), identities);
  ASSERT_EQ(leaves.size(), 2u);
  EXPECT_EQ(leaves[1].account, *chain::address_from_hex(bob));
  EXPECT_EQ(leaves[1].cumulative_micro, 40u);  // bob's 10 and its node's 30
  auto by_node = withdrawal_proof_of(state.withdrawn_at_close(), node, identities);
  ASSERT_TRUE(by_node.ok()) << by_node.err().message;
  EXPECT_EQ(by_node->account, bob);
  EXPECT_EQ(by_node->cumulative_micro, 40);
  EXPECT_EQ(by_node->proof, withdrawal_proof_of(state.withdrawn_at_close(), bob, identities)->proof);
}

TEST(ChainAnchor, NoWithdrawalsMeanTheZeroRoot) {
  EXPECT_EQ(balances_root_of({}), chain::word{});
  lg::ledger_state state(lg::ledger_config{});
  EXPECT_EQ(withdrawal_proof_of(state.withdrawn_at_close(), alice, none).err().code, error_code::not_found);
}

}  // namespace
}  // namespace infergrid

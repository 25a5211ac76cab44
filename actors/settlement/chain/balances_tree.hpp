#pragma once
// balances_tree: the Merkle tree whose root an epoch anchors on-chain as `balancesRoot`. A leaf
// grants an account a cumulative amount it may have withdrawn in all (the vault pays the part not
// yet withdrawn):
//   leaf = keccak256(keccak256(abi.encode(address account, uint256 cumulative_amount)))
//   node = keccak256(min(a, b) | max(a, b))   (sorted pairs: a proof needs no left/right flags)
// A level of odd length carries its last node up unchanged. One leaf: the root is that leaf.
#include <vector>

#include "actors/settlement/chain/chain_types.hpp"

namespace infergrid::chain {

struct balance_leaf {
  address account{};
  std::uint64_t cumulative_micro = 0;  // token base units (the test token has 6 decimals: micro-units)
};

word balance_leaf_hash(const balance_leaf& leaf);
word hash_sorted_pair(const word& a, const word& b);
// The root a proof leads to from a leaf hash (what the vault recomputes).
word root_from_proof(const word& leaf_hash, const std::vector<word>& proof);

class balances_tree {
 public:
  // Refuses an empty list and an account listed twice.
  static result<balances_tree> build(const std::vector<balance_leaf>& leaves);
  const word& root() const { return levels_.back().front(); }
  // The sibling hashes from leaf `index` (in the order given to build) up to the root.
  std::vector<word> proof(std::size_t index) const;
  std::size_t size() const { return levels_.front().size(); }

 private:
  std::vector<std::vector<word>> levels_;  // levels_[0]: leaf hashes; back(): the root alone
};

}  // namespace infergrid::chain

#include "actors/settlement/chain/balances_tree.hpp"

#include <algorithm>
#include <cassert>
#include <set>

#include "actors/settlement/chain/abi.hpp"
#include "actors/settlement/chain/keccak.hpp"

namespace infergrid::chain {

word balance_leaf_hash(const balance_leaf& leaf) {
  const bytes encoded = abi_encode({abi_address(leaf.account), abi_uint(leaf.cumulative_micro)});
  const word inner = keccak256(encoded);
  return keccak256(inner);
}

word hash_sorted_pair(const word& a, const word& b) {
  bytes joined;
  joined.reserve(64);
  const word& low = a < b ? a : b;
  const word& high = a < b ? b : a;
  joined.insert(joined.end(), low.begin(), low.end());
  joined.insert(joined.end(), high.begin(), high.end());
  return keccak256(joined);
}

word root_from_proof(const word& leaf_hash, const std::vector<word>& proof) {
  word node = leaf_hash;
  for (const word& sibling : proof) node = hash_sorted_pair(node, sibling);
  return node;
}

result<balances_tree> balances_tree::build(const std::vector<balance_leaf>& leaves) {
  if (leaves.empty()) return make_error(error_code::invalid_argument, "a balances tree needs at least one leaf");
  std::set<address> seen;
  balances_tree tree;
  tree.levels_.emplace_back();
  for (const balance_leaf& leaf : leaves) {
    if (!seen.insert(leaf.account).second) {
      return make_error(error_code::invalid_argument, "account " + to_hex_0x(leaf.account) + " appears twice in the balances tree");
    }
    tree.levels_.front().push_back(balance_leaf_hash(leaf));
  }
  while (tree.levels_.back().size() > 1) {
    const std::vector<word>& below = tree.levels_.back();
    std::vector<word> above;
    for (std::size_t i = 0; i + 1 < below.size(); i += 2) above.push_back(hash_sorted_pair(below[i], below[i + 1]));
    if (below.size() % 2 == 1) above.push_back(below.back());
    tree.levels_.push_back(std::move(above));
  }
  return tree;
}

std::vector<word> balances_tree::proof(std::size_t index) const {
  assert(index < size());
  std::vector<word> out;
  for (std::size_t level = 0; level + 1 < levels_.size(); ++level) {
    const std::size_t sibling = index ^ 1;
    if (sibling < levels_[level].size()) out.push_back(levels_[level][sibling]);
    index /= 2;
  }
  return out;
}

}  // namespace infergrid::chain

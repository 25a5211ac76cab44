#pragma once
// token_trie: a vocabulary's token byte strings as one trie stored in depth-first order, for a mask
// that tries every token from one recogniser state. walk() copies the state once per trie node
// (from its parent's copy), so tokens sharing leading bytes share their work, and skips a node's
// whole subtree as soon as the recogniser refuses its byte: from a state that allows few next
// bytes, most of a 151k-token vocabulary is never looked at.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "kernels/model/vocabulary.hpp"

namespace infergrid::model {

class token_trie {
 public:
  token_trie() = default;
  // (bytes, token) pairs; empty byte strings are left out.
  explicit token_trie(std::vector<std::pair<std::string, token_id>> pieces);

  // allow(token, state after its bytes) for every token whose bytes `start` accepts. State: copyable,
  // with bool feed(unsigned char). `per_depth` is scratch, reused between calls.
  template <class State, class Allow>
  void walk(const State& start, std::vector<State>& per_depth, Allow&& allow) const {
    if (per_depth.size() < max_depth_ + 1u) per_depth.resize(max_depth_ + 1u, start);
    per_depth[0] = start;
    for (std::uint32_t i = 0; i < nodes_.size();) {
      const node& n = nodes_[i];
      State& state = per_depth[n.depth];
      state = per_depth[n.depth - 1u];
      if (!state.feed(n.byte)) {
        i = n.subtree_end;
        continue;
      }
      for (std::uint32_t t = n.tokens_begin; t < n.tokens_end; ++t) allow(tokens_[t], state);
      ++i;
    }
  }
  std::size_t node_count() const { return nodes_.size(); }

 private:
  struct node {
    std::uint32_t subtree_end = 0;  // the first node after this one's subtree
    std::uint32_t tokens_begin = 0, tokens_end = 0;  // tokens whose bytes end here, in tokens_
    std::uint16_t depth = 0;        // bytes from the root (1 for a first byte)
    unsigned char byte = 0;
  };
  std::vector<node> nodes_;
  std::vector<token_id> tokens_;
  std::uint16_t max_depth_ = 0;
};

}  // namespace infergrid::model

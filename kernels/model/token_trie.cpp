#include "kernels/model/token_trie.hpp"

#include <algorithm>

namespace infergrid::model {

token_trie::token_trie(std::vector<std::pair<std::string, token_id>> pieces) {
  std::erase_if(pieces, [](const auto& p) { return p.first.empty() || p.first.size() > UINT16_MAX; });
  std::sort(pieces.begin(), pieces.end());
  // Sorted, each piece shares its longest common prefix with the one before: only the bytes after
  // it are new nodes, and the nodes deeper than it are complete.
  std::vector<std::uint32_t> path;  // node at each depth - 1 of the previous piece
  const std::string* previous = nullptr;
  for (const auto& [bytes, token] : pieces) {
    std::size_t common = 0;
    if (previous != nullptr) {
      const std::size_t limit = std::min(previous->size(), bytes.size());
      while (common < limit && (*previous)[common] == bytes[common]) ++common;
    }
    while (path.size() > common) {
      nodes_[path.back()].subtree_end = static_cast<std::uint32_t>(nodes_.size());
      path.pop_back();
    }
    for (std::size_t d = common; d < bytes.size(); ++d) {
      path.push_back(static_cast<std::uint32_t>(nodes_.size()));
      nodes_.push_back(node{.depth = static_cast<std::uint16_t>(d + 1), .byte = static_cast<unsigned char>(bytes[d])});
    }
    node& end = nodes_[path.back()];
    if (end.tokens_begin == end.tokens_end) end.tokens_begin = end.tokens_end = static_cast<std::uint32_t>(tokens_.size());
    tokens_.push_back(token);
    ++end.tokens_end;
    max_depth_ = std::max(max_depth_, static_cast<std::uint16_t>(bytes.size()));
    previous = &bytes;
  }
  for (const std::uint32_t n : path) nodes_[n].subtree_end = static_cast<std::uint32_t>(nodes_.size());
}

}  // namespace infergrid::model

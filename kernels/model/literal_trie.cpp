#include "kernels/model/literal_trie.hpp"

#include <algorithm>
#include <map>

namespace infergrid::model {

literal_trie::literal_trie(const std::vector<std::string>& literals) {
  struct building {
    std::map<unsigned char, std::uint32_t> children;
    std::uint32_t literal = none;
  };
  std::vector<building> built(1);
  for (std::uint32_t i = 0; i < literals.size(); ++i) {
    std::uint32_t at = root;
    for (const char c : literals[i]) {
      const auto byte = static_cast<unsigned char>(c);
      const auto found = built[at].children.find(byte);
      if (found != built[at].children.end()) {
        at = found->second;
        continue;
      }
      const auto next = static_cast<std::uint32_t>(built.size());
      built[at].children.emplace(byte, next);
      built.emplace_back();
      at = next;
    }
    if (built[at].literal == none) built[at].literal = i;
  }
  nodes_.resize(built.size());
  for (std::uint32_t n = 0; n < built.size(); ++n) {
    nodes_[n].literal = built[n].literal;
    nodes_[n].edges_begin = static_cast<std::uint32_t>(edges_.size());
    for (const auto& [byte, target] : built[n].children) edges_.push_back({byte, target});
    nodes_[n].edges_end = static_cast<std::uint32_t>(edges_.size());
  }
  // Children have larger ids than their parent, so one backward pass gathers each subtree's literals.
  std::vector<std::vector<std::uint32_t>> below(built.size());
  for (std::uint32_t n = static_cast<std::uint32_t>(built.size()); n-- > 0;) {
    if (built[n].literal != none) below[n].push_back(built[n].literal);
    for (const auto& [byte, target] : built[n].children) below[n].insert(below[n].end(), below[target].begin(), below[target].end());
    std::sort(below[n].begin(), below[n].end());
  }
  for (std::uint32_t n = 0; n < built.size(); ++n) {
    nodes_[n].below_begin = static_cast<std::uint32_t>(below_.size());
    below_.insert(below_.end(), below[n].begin(), below[n].end());
    nodes_[n].below_end = static_cast<std::uint32_t>(below_.size());
  }
}

std::uint32_t literal_trie::child(std::uint32_t node, unsigned char byte) const {
  const auto first = edges_.begin() + nodes_[node].edges_begin;
  const auto last = edges_.begin() + nodes_[node].edges_end;
  const auto found = std::lower_bound(first, last, byte, [](const edge& e, unsigned char b) { return e.byte < b; });
  return found != last && found->byte == byte ? found->target : none;
}

}  // namespace infergrid::model

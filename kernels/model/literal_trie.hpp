#pragma once
// literal_trie: a byte trie over a fixed set of strings (a JSON Schema enum's values, an object's
// keys), built once when a schema compiles. A recogniser walks it byte by byte; each node knows
// which literals end there and which lie below it, so "can this prefix still become literal i in
// some range" is a binary search.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace infergrid::model {

class literal_trie {
 public:
  static constexpr std::uint32_t none = UINT32_MAX;
  static constexpr std::uint32_t root = 0;

  literal_trie() : literal_trie(std::vector<std::string>{}) {}
  // Literal i is literals[i]; duplicates keep the first index.
  explicit literal_trie(const std::vector<std::string>& literals);

  std::uint32_t child(std::uint32_t node, unsigned char byte) const;
  // The literal that ends at `node`, or none.
  std::uint32_t literal_at(std::uint32_t node) const { return nodes_[node].literal; }
  bool has_children(std::uint32_t node) const { return nodes_[node].edges_begin != nodes_[node].edges_end; }
  // The literals that end at or below `node`, ascending.
  std::span<const std::uint32_t> literals_below(std::uint32_t node) const {
    return std::span(below_).subspan(nodes_[node].below_begin, nodes_[node].below_end - nodes_[node].below_begin);
  }

 private:
  struct node {
    std::uint32_t edges_begin = 0, edges_end = 0;  // into edges_, sorted by byte
    std::uint32_t literal = none;
    std::uint32_t below_begin = 0, below_end = 0;  // into below_
  };
  struct edge {
    unsigned char byte;
    std::uint32_t target;
  };
  std::vector<node> nodes_;
  std::vector<edge> edges_;
  std::vector<std::uint32_t> below_;
};

}  // namespace infergrid::model

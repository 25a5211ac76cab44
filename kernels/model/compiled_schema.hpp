#pragma once
// compiled_schema: a JSON Schema (OpenAI's structured-output subset, json_schema_compiler.hpp)
// turned into a graph of nodes a byte-level recogniser (json_schema_prefix.hpp) walks. Immutable
// once compiled; $ref edges are node ids, so recursive schemas are cycles in the graph. Nodes are
// plain data: one row per kind of value, no behaviour.
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/model/literal_trie.hpp"
#include "kernels/model/regex_dfa.hpp"
#include "kernels/model/regex_length.hpp"
#include "kernels/model/schema_number.hpp"

namespace infergrid::model {

// Containers a value may nest (objects and arrays, the outermost included): recursion ($ref) ends here.
inline constexpr std::uint16_t schema_depth_max = 32;

enum class schema_kind : std::uint8_t {
  literals,  // one of fixed JSON texts (enum, const, boolean, null): `trie`
  string,    // min_length..max_length characters (code points); with a `pattern` (and/or `format`), one it matches
  number,    // `range` (range.integer: no fraction part)
  object,    // declared `properties` in order, or free keys (`free_keys`) each with a `free_value`
  array,     // `prefix_items`, then `items`; min_items..max_items
  any_of,    // one of `alternatives` (tried side by side until the bytes rule some out)
};

struct schema_property {
  std::uint32_t value = 0;  // node
  bool required = false;
};

struct schema_node {
  static constexpr std::uint32_t none = UINT32_MAX;
  static constexpr std::uint32_t unlimited = UINT32_MAX;
  static constexpr std::uint16_t unreachable_depth = UINT16_MAX;

  schema_kind kind = schema_kind::literals;
  // Containers the shortest complete value of this node opens, nested (a scalar: 0); a value is
  // only started where it still fits under schema_depth_max.
  std::uint16_t min_depth = 0;
  std::uint32_t trie = none;  // literals: the values' JSON texts; object: the keys, quoted (literal i = property i)
  std::uint32_t min_length = 0, max_length = unlimited;  // string
  std::uint32_t pattern = none;                          // string: index into compiled_schema::patterns (pattern, format or both)
  number_range range;                                    // number
  std::vector<schema_property> properties;               // object
  std::vector<std::uint32_t> next_required;              // object: the first required property at or after i (size: none)
  bool free_keys = false;                                // object: any string keys (no properties declared)
  std::uint32_t free_key = none, free_value = none;      // object with free keys: the key (a string) and value nodes
  std::vector<std::uint32_t> prefix_items;               // array
  std::uint32_t items = none;                            // array: after prefix_items; none: no more items
  std::uint32_t min_items = 0, max_items = unlimited;    // array
  std::vector<std::uint32_t> alternatives;               // any_of
};

struct compiled_schema {
  std::vector<schema_node> nodes;
  std::vector<literal_trie> tries;
  std::vector<regex_dfa> patterns;
  // Per pattern: its match distances, built when a minLength/maxLength beside it is not already
  // kept by every match (empty: the count of characters alone decides).
  std::vector<match_distances> pattern_lengths;
  std::uint32_t root = 0;
  std::string prefix;  // literal text before the value
  std::string suffix;  // literal text after it
};

}  // namespace infergrid::model

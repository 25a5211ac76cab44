#pragma once
// regex_syntax: a JSON Schema `pattern` (ECMA-262 syntax, read over code points as with the `u`
// flag) parsed into a tree that regex_dfa.hpp compiles. The subset OpenAI's strict mode documents:
//   literals (UTF-8 text), escapes \d \D \w \W \s \S \t \n \r \v \f \0 \xHH \uHHHH (pairs combine)
//   and escaped syntax characters (\. \* \\ \/ \- ...); classes [a-z0-9_] and [^...]; `.` (any
//   character but \n \r U+2028 U+2029); groups (...), (?:...), (?<name>...); alternation |;
//   quantifiers ? * + {m} {m,} {m,n}, lazy forms included (same language); anchors ^ and $.
// Refused with a reason (error_code::unsupported): backreferences (\1, \k<name>), lookarounds
// ((?=, (?!, (?<=, (?<!), word boundaries \b \B, \cX, \p{...}, flags; invalid_argument: malformed
// patterns. Surrogate code points (U+D800-U+DFFF) are in no class: a JSON string cannot hold one.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "kernels/model/code_point_range.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

// Sorted, disjoint, non-adjacent ranges.
using code_point_set = std::vector<code_point_range>;

// The ranges sorted and merged, surrogates removed.
code_point_set normalized(code_point_set set);
code_point_set complement(const code_point_set& set);  // of the Unicode scalar values
bool contains(const code_point_set& set, std::uint32_t code_point);
// UTF-8 text -> code points; nullopt when a sequence is cut short or malformed (overlong forms are
// not checked: the text comes from a parsed JSON string).
std::optional<std::vector<std::uint32_t>> utf8_code_points(std::string_view text);

struct regex_limits {
  std::size_t pattern_bytes_max = 4096;  // the pattern's text
  std::uint32_t repeat_max = 1000;       // the largest m or n in {m,n}
  std::uint32_t nesting_max = 32;        // groups inside groups
  std::uint32_t nfa_states_max = 20000;  // the counted repetitions expanded
  std::uint32_t dfa_states_max = 4096;   // deterministic states: more and the pattern is refused
  std::uint32_t dfa_cells_max = 1 << 20; // states x character classes in the transition table
  std::uint64_t closure_visits_max = 8'000'000;   // work building it: automaton states visited, all steps together
};

enum class regex_kind : std::uint8_t {
  empty,        // matches the empty string
  characters,   // one code point from `characters`
  text_start,   // ^
  text_end,     // $
  sequence,     // `children` one after the other
  alternation,  // one of `children`
  repeat,       // children[0], min..max times
};

struct regex_node {
  static constexpr std::uint32_t unbounded = UINT32_MAX;
  regex_kind kind = regex_kind::empty;
  code_point_set characters;
  std::vector<std::uint32_t> children;  // indices into regex_tree::nodes
  std::uint32_t min = 0, max = 0;       // repeat
};

struct regex_tree {
  std::vector<regex_node> nodes;
  std::uint32_t root = 0;
};

result<regex_tree> parse_regex(std::string_view pattern, const regex_limits& limits = {});

}  // namespace infergrid::model

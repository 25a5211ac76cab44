#pragma once
// regex_dfa: a JSON Schema `pattern` (regex_syntax.hpp) compiled to a deterministic automaton over
// code points, which the schema recogniser steps once per character of a JSON string.
// ECMA-262 semantics: the pattern matches anywhere in the string unless ^ or $ anchor it (the
// automaton is built for .*(pattern).*, with ^ only at the start and $ only at the end).
// Every state the automaton keeps can still reach an accepting one (dead states are removed), so a
// writer that only takes live transitions never ends in a string it cannot close. The build is a
// pure function of the pattern text: worker and validator get the same automaton.
// Refused: a pattern no string matches (invalid_argument), one whose automaton passes
// regex_limits (too_large), and regex_syntax's refusals.
#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "kernels/model/regex_syntax.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

struct regex_dfa {
  static constexpr std::uint32_t dead = UINT32_MAX;
  static constexpr std::uint32_t start = 0;

  // Character classes: class i is [class_starts[i], class_starts[i+1]) (the last one up to
  // code_point_max); class_starts[0] == 0.
  std::vector<std::uint32_t> class_starts;
  std::vector<std::uint32_t> next;       // state * class_starts.size() + class -> state, or dead
  std::vector<std::uint8_t> accepting;   // per state

  std::uint32_t states() const { return static_cast<std::uint32_t>(accepting.size()); }
  std::uint32_t step(std::uint32_t state, std::uint32_t code_point) const;
  // Some code point in [first, last] leads from `state` to a (live) state.
  bool steps_within(std::uint32_t state, code_point_range range) const {
    return steps_within(state, range, [](std::uint32_t) { return true; });
  }
  // The same, to a state `keep` takes.
  template <class Keep>
  bool steps_within(std::uint32_t state, code_point_range range, Keep keep) const {
    auto it = std::upper_bound(class_starts.begin(), class_starts.end(), range.first) - 1;
    for (; it != class_starts.end() && *it <= range.last; ++it) {
      const std::uint32_t target = next[state * class_starts.size() + static_cast<std::size_t>(it - class_starts.begin())];
      if (target != dead && keep(target)) return true;
    }
    return false;
  }
  bool accepts(std::uint32_t state) const { return accepting[state] != 0; }
  // Accepting, and every character leads back here: the rest of the string no longer matters (past
  // the match of an unanchored pattern).
  bool takes_everything(std::uint32_t state) const;
  // The whole string (already decoded to code points) matches.
  bool matches(const std::vector<std::uint32_t>& code_points) const;
  bool operator==(const regex_dfa&) const = default;
};

result<regex_dfa> compile_regex(std::string_view pattern, const regex_limits& limits = {});


// `dfa` with only the states that can still reach an accepting one, renumbered in order (the start
// stays 0); invalid_argument with `none_matches` when the start is not among them.
result<regex_dfa> without_dead_states(regex_dfa dfa, std::string_view none_matches);

}  // namespace infergrid::model

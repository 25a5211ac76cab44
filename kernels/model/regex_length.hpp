#pragma once
// regex_length: minLength/maxLength beside a string's pattern, kept as a count of characters beside
// the automaton instead of multiplied into it (a product of every state with every count grows with
// maxLength: `^[a-z]+$` with maxLength 100000 would need 100001 states).
// From each state, the numbers of characters after which some continuation matches (its distances
// to an accepting state) form a set that repeats with a period from some point on: the layers
// "states a match is k characters away from" each follow from the one before, so they cycle.
// match_distances keeps that set per state, and a writer at some state with c characters takes a
// character only when some distance from the next state ends within minLength..maxLength, so
// neither the pattern nor the length can strand it. The table is a pure function of the automaton.
#include <cstdint>
#include <utility>
#include <vector>

#include "kernels/model/regex_dfa.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

struct match_distances {
  static constexpr std::uint32_t none = UINT32_MAX;
  std::uint32_t threshold = 0;  // the distances from here on repeat ...
  std::uint32_t period = 1;     // ... every `period` characters
  // state * (threshold + period) + k -> the fewest characters d >= k after which a continuation
  // from the state matches (past the window: d lies in the repeating part), or none.
  std::vector<std::uint32_t> next;

  bool empty() const { return next.empty(); }
  // The fewest more characters after which a continuation from `state` matches (none: no match).
  std::uint32_t fewest(std::uint32_t state) const { return next[static_cast<std::size_t>(state) * (threshold + period)]; }
  // Some continuation from `state` matches after low..high more characters (high UINT32_MAX: any).
  bool reaches(std::uint32_t state, std::uint32_t low, std::uint32_t high) const;
  bool operator==(const match_distances&) const = default;
};

// The fewest and the most characters of a match (the most: UINT32_MAX when there is none).
std::pair<std::uint32_t, std::uint32_t> match_length_range(const regex_dfa& dfa);

// errors: too_large when the distances do not repeat within limits.dfa_cells_max table cells
// (states x distances).
result<match_distances> match_distances_of(const regex_dfa& dfa, const regex_limits& limits = {});

}  // namespace infergrid::model

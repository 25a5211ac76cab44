#include "kernels/model/regex_length.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace infergrid::model {
namespace {

// The fewest and most code points of a matching string (UINT32_MAX: no most). Every state is live.
std::pair<std::uint32_t, std::uint32_t> length_range(const regex_dfa& dfa) {
  const std::size_t classes = dfa.class_starts.size();
  std::vector<std::uint32_t> depth(dfa.states(), UINT32_MAX);  // breadth-first: the fewest characters to each state
  std::vector<std::uint32_t> order = {regex_dfa::start};
  depth[regex_dfa::start] = 0;
  std::uint32_t shortest = UINT32_MAX;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::uint32_t s = order[i];
    if (dfa.accepts(s)) shortest = std::min(shortest, depth[s]);
    for (std::size_t c = 0; c < classes; ++c) {
      const std::uint32_t t = dfa.next[s * classes + c];
      if (t != regex_dfa::dead && depth[t] == UINT32_MAX) depth[t] = depth[s] + 1, order.push_back(t);
    }
  }
  // Longest: a cycle makes it unbounded; otherwise the longest path, states taken in topological order.
  std::vector<std::uint32_t> incoming(dfa.states(), 0), longest(dfa.states(), 0), ready = {regex_dfa::start};
  for (std::uint32_t s = 0; s < dfa.states(); ++s) {
    for (std::size_t c = 0; c < classes; ++c) {
      if (dfa.next[s * classes + c] != regex_dfa::dead) ++incoming[dfa.next[s * classes + c]];
    }
  }
  if (incoming[regex_dfa::start] != 0) return {shortest, UINT32_MAX};  // a cycle through the start
  std::uint32_t done = 0, most = 0;
  while (!ready.empty()) {
    const std::uint32_t s = ready.back();
    ready.pop_back();
    ++done;
    if (dfa.accepts(s)) most = std::max(most, longest[s]);
    for (std::size_t c = 0; c < classes; ++c) {
      const std::uint32_t t = dfa.next[s * classes + c];
      if (t == regex_dfa::dead) continue;
      longest[t] = std::max(longest[t], longest[s] + 1);
      if (--incoming[t] == 0) ready.push_back(t);
    }
  }
  return {shortest, done == dfa.states() ? most : UINT32_MAX};
}

}  // namespace

result<regex_dfa> with_length(const regex_dfa& dfa, std::uint32_t min_length, std::uint32_t max_length,
                              const regex_limits& limits) {
  // Bounds every match already keeps add nothing (a format's fixed shape under a generous maxLength).
  const auto [shortest, longest] = length_range(dfa);
  if (min_length <= shortest) min_length = 0;
  if (longest != UINT32_MAX && longest <= max_length) max_length = UINT32_MAX;
  if (min_length == 0 && max_length == UINT32_MAX) return dfa;
  const bool bounded = max_length != UINT32_MAX;
  const std::size_t classes = dfa.class_starts.size();
  regex_dfa out{.class_starts = dfa.class_starts};
  // (state, characters so far; without an upper bound counted only up to min_length) -> state
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> known;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  const auto intern = [&](std::uint32_t state, std::uint32_t count) -> result<std::uint32_t> {
    const auto key = std::make_pair(state, count);
    if (const auto found = known.find(key); found != known.end()) return found->second;
    if (pairs.size() >= limits.dfa_states_max || (pairs.size() + 1) * classes > limits.dfa_cells_max) {
      return make_error(error_code::too_large, "the pattern with minLength/maxLength needs more than " +
                                                   std::to_string(limits.dfa_states_max) + " automaton states");
    }
    const auto id = static_cast<std::uint32_t>(pairs.size());
    known.emplace(key, id);
    pairs.push_back(key);
    return id;
  };
  IG_TRY(intern(regex_dfa::start, 0));
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto [state, count] = pairs[i];
    out.accepting.push_back(dfa.accepts(state) && count >= min_length ? 1 : 0);
    const std::uint32_t next_count = bounded ? count + 1 : std::min(count + 1, min_length);
    for (std::size_t c = 0; c < classes; ++c) {
      const std::uint32_t target = dfa.next[state * classes + c];
      if (target == regex_dfa::dead || (bounded && count >= max_length)) {
        out.next.push_back(regex_dfa::dead);
        continue;
      }
      auto id = intern(target, next_count);
      if (!id.ok()) return id.err();
      out.next.push_back(*id);
    }
  }
  return without_dead_states(std::move(out), "no string of minLength..maxLength characters matches the pattern");
}

}  // namespace infergrid::model

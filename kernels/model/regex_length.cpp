#include "kernels/model/regex_length.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace infergrid::model {
namespace {

using layer = std::vector<std::uint64_t>;  // one bit per state

bool has(const layer& l, std::uint32_t state) { return ((l[state / 64] >> (state % 64)) & 1) != 0; }

}  // namespace

std::pair<std::uint32_t, std::uint32_t> match_length_range(const regex_dfa& dfa) {
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


bool match_distances::reaches(std::uint32_t state, std::uint32_t low, std::uint32_t high) const {
  const std::uint64_t window = std::uint64_t{threshold} + period;
  std::uint64_t k = low, shift = 0;
  if (k >= window) {  // into the first repetition, remembering how many periods it skipped
    shift = (k - threshold) / period * period;
    k -= shift;
  }
  const std::uint32_t d = next[state * window + k];
  return d != none && d + shift <= high;
}

result<match_distances> match_distances_of(const regex_dfa& dfa, const regex_limits& limits) {
  const std::uint32_t states = dfa.states();
  const std::size_t classes = dfa.class_starts.size();
  // Who steps into each state: the layer k+1 is every predecessor of the layer k.
  std::vector<std::vector<std::uint32_t>> predecessors(states);
  for (std::uint32_t s = 0; s < states; ++s) {
    for (std::size_t c = 0; c < classes; ++c) {
      const std::uint32_t t = dfa.next[s * classes + c];
      if (t != regex_dfa::dead && (predecessors[t].empty() || predecessors[t].back() != s)) predecessors[t].push_back(s);
    }
  }
  const std::size_t words = (states + 63) / 64;
  layer current(words, 0);
  for (std::uint32_t s = 0; s < states; ++s) {
    if (dfa.accepts(s)) current[s / 64] |= std::uint64_t{1} << (s % 64);
  }
  std::vector<layer> layers;
  std::map<layer, std::uint32_t> seen;
  match_distances out;
  while (true) {
    if (const auto found = seen.find(current); found != seen.end()) {
      out.threshold = found->second;
      out.period = static_cast<std::uint32_t>(layers.size()) - found->second;
      break;
    }
    if ((layers.size() + 1) * states > limits.dfa_cells_max) {
      return make_error(error_code::too_large, "the pattern with minLength/maxLength needs more than " +
                                                   std::to_string(limits.dfa_cells_max) +
                                                   " table cells (the lengths of its matches do not repeat soon enough)");
    }
    seen.emplace(current, static_cast<std::uint32_t>(layers.size()));
    layer before(words, 0);
    for (std::uint32_t t = 0; t < states; ++t) {
      if (!has(current, t)) continue;
      for (const std::uint32_t s : predecessors[t]) before[s / 64] |= std::uint64_t{1} << (s % 64);
    }
    layers.push_back(std::move(current));
    current = std::move(before);
  }
  const auto window = static_cast<std::uint32_t>(layers.size());
  out.next.assign(static_cast<std::size_t>(states) * window, match_distances::none);
  for (std::uint32_t s = 0; s < states; ++s) {
    std::uint32_t first_repeating = match_distances::none;
    for (std::uint32_t k = out.threshold; k < window && first_repeating == match_distances::none; ++k) {
      if (has(layers[k], s)) first_repeating = k;
    }
    std::uint32_t after = first_repeating == match_distances::none ? match_distances::none : first_repeating + out.period;
    for (std::uint32_t k = window; k-- > 0;) {
      if (has(layers[k], s)) after = k;
      out.next[static_cast<std::size_t>(s) * window + k] = after;
    }
  }
  return out;
}

}  // namespace infergrid::model

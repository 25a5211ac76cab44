#include "kernels/model/pattern_run.hpp"

#include <algorithm>
#include <utility>

namespace infergrid::model {
namespace {

// Character classes that lie in the surrogates are in no string: they never move anything.
bool surrogates(const regex_dfa& dfa, std::size_t c) { return dfa.class_starts[c] >= 0xD800 && dfa.class_starts[c] <= 0xDFFF; }

std::uint32_t class_last(const regex_dfa& dfa, std::size_t c) {
  return c + 1 < dfa.class_starts.size() ? dfa.class_starts[c + 1] - 1 : code_point_max;
}

// The state the most code points lead to from `state` (dead included).
std::uint32_t main_target(const regex_dfa& dfa, std::uint32_t state) {
  const std::size_t classes = dfa.class_starts.size();
  std::vector<std::pair<std::uint32_t, std::uint64_t>> counts;  // target, code points (few targets per state)
  for (std::size_t c = 0; c < classes; ++c) {
    if (surrogates(dfa, c)) continue;
    const std::uint32_t target = dfa.next[state * classes + c];
    const std::uint64_t size = class_last(dfa, c) - dfa.class_starts[c] + 1;
    auto known = std::find_if(counts.begin(), counts.end(), [&](const auto& entry) { return entry.first == target; });
    if (known == counts.end()) counts.emplace_back(target, size);
    else known->second += size;
  }
  const auto best = std::max_element(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  return best == counts.end() ? regex_dfa::dead : best->first;
}

}  // namespace

bool pattern_length_fits(const compiled_schema& schema, const schema_node& n, std::uint32_t pattern_state,
                         std::uint32_t characters) {
  const match_distances& distances = schema.pattern_lengths[n.pattern];
  if (distances.empty()) return true;  // every match keeps the bounds
  const std::uint32_t low = characters >= n.min_length ? 0 : n.min_length - characters;
  const std::uint32_t high = n.max_length == schema_node::unlimited ? UINT32_MAX : n.max_length - characters;
  return distances.reaches(pattern_state, low, high);
}

std::uint32_t plain_run(const compiled_schema& schema, const schema_node& n, std::uint32_t pattern_state,
                        std::uint32_t characters, std::uint32_t steps_max, std::vector<code_point_range>& moving) {
  const regex_dfa& dfa = schema.patterns[n.pattern];
  const std::size_t classes = dfa.class_starts.size();
  std::vector<std::uint8_t> moves(classes, 0);
  const auto collect = [&](std::uint32_t run_length) {
    for (std::size_t c = 0; c < classes; ++c) {
      if (moves[c] != 0) moving.push_back({dfa.class_starts[c], class_last(dfa, c)});
    }
    return run_length;
  };
  std::uint32_t run = 0;
  for (std::uint32_t state = pattern_state;;) {
    const std::uint32_t next = main_target(dfa, state);
    for (std::size_t c = 0; c < classes; ++c) {
      if (dfa.next[state * classes + c] != next && !surrogates(dfa, c)) moves[c] = 1;
    }
    if (next == regex_dfa::dead) break;
    if (next == state) {
      // A loop: the same state from here on, and a match from it after any number of characters
      // past the fewest, so the run fits until that fewest would pass maxLength.
      const match_distances& distances = schema.pattern_lengths[n.pattern];
      if (n.max_length == schema_node::unlimited) return collect(steps_max);
      const std::uint64_t used = std::uint64_t{characters} + run + (distances.empty() ? 0 : distances.fewest(state));
      const std::uint64_t more = n.max_length > used ? n.max_length - used : 0;
      return collect(static_cast<std::uint32_t>(std::min<std::uint64_t>(steps_max, run + more)));
    }
    if (run == steps_max || !pattern_length_fits(schema, n, next, characters + run + 1)) break;
    ++run;
    state = next;
  }
  return collect(run);
}

}  // namespace infergrid::model

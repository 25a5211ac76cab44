#include "kernels/model/regex_intersection.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace infergrid::model {
namespace {

// The class of `dfa` that holds `code_point`.
std::size_t class_of(const regex_dfa& dfa, std::uint32_t code_point) {
  return static_cast<std::size_t>(std::upper_bound(dfa.class_starts.begin(), dfa.class_starts.end(), code_point) -
                                  dfa.class_starts.begin()) - 1;
}

}  // namespace

result<regex_dfa> intersection(const regex_dfa& a, const regex_dfa& b, std::string_view none_matches,
                               const regex_limits& limits) {
  regex_dfa out{.class_starts = a.class_starts};
  out.class_starts.insert(out.class_starts.end(), b.class_starts.begin(), b.class_starts.end());
  std::sort(out.class_starts.begin(), out.class_starts.end());
  out.class_starts.erase(std::unique(out.class_starts.begin(), out.class_starts.end()), out.class_starts.end());
  const std::size_t classes = out.class_starts.size();
  std::vector<std::pair<std::size_t, std::size_t>> parts(classes);  // each class's class in a and in b
  for (std::size_t c = 0; c < classes; ++c) parts[c] = {class_of(a, out.class_starts[c]), class_of(b, out.class_starts[c])};
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> known;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  const auto intern = [&](std::uint32_t s, std::uint32_t t) -> result<std::uint32_t> {
    const auto key = std::make_pair(s, t);
    if (const auto found = known.find(key); found != known.end()) return found->second;
    if (pairs.size() >= limits.dfa_states_max || (pairs.size() + 1) * classes > limits.dfa_cells_max) {
      return make_error(error_code::too_large, "'pattern' and 'format' together need more than " +
                                                   std::to_string(limits.dfa_states_max) + " automaton states (or " +
                                                   std::to_string(limits.dfa_cells_max) + " table cells)");
    }
    const auto id = static_cast<std::uint32_t>(pairs.size());
    known.emplace(key, id);
    pairs.push_back(key);
    return id;
  };
  IG_TRY(intern(regex_dfa::start, regex_dfa::start));
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto [s, t] = pairs[i];
    out.accepting.push_back(a.accepts(s) && b.accepts(t) ? 1 : 0);
    for (std::size_t c = 0; c < classes; ++c) {
      const std::uint32_t next_a = a.next[s * a.class_starts.size() + parts[c].first];
      const std::uint32_t next_b = b.next[t * b.class_starts.size() + parts[c].second];
      if (next_a == regex_dfa::dead || next_b == regex_dfa::dead) {
        out.next.push_back(regex_dfa::dead);
        continue;
      }
      auto id = intern(next_a, next_b);
      if (!id.ok()) return id.err();
      out.next.push_back(*id);
    }
  }
  return without_dead_states(std::move(out), none_matches);
}

}  // namespace infergrid::model

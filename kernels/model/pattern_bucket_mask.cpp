#include "kernels/model/pattern_bucket_mask.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "kernels/model/pattern_run.hpp"

namespace infergrid::model {
namespace {

using bucket_set = plain_token_buckets::bucket_set;
constexpr std::size_t bucket_count = plain_token_buckets::bucket_count;
constexpr std::uint32_t mixed = regex_dfa::dead - 1;  // a bucket whose characters lead to different states
constexpr std::uint32_t surrogate_first = 0xD800, surrogate_last = 0xDFFF;

void add(bucket_set& set, std::size_t bucket) { set[bucket / 64] |= std::uint64_t{1} << (bucket % 64); }
bool has(const bucket_set& set, std::size_t bucket) { return plain_token_buckets::has(set, bucket); }

std::size_t class_of(const regex_dfa& dfa, std::uint32_t code_point) {
  return static_cast<std::size_t>(std::upper_bound(dfa.class_starts.begin(), dfa.class_starts.end(), code_point) -
                                  dfa.class_starts.begin()) - 1;
}

// The automaton's classes that hold code points of each bucket (surrogates left out: no string
// holds one), as [first, end) class indices.
struct bucket_classes {
  std::array<std::pair<std::size_t, std::size_t>, bucket_count> spans{};
  bucket_set present{};  // buckets some token holds

  bucket_classes(const regex_dfa& dfa, const plain_token_buckets& buckets) {
    for (std::size_t b = 0; b < bucket_count; ++b) {
      code_point_range range = buckets.range(b);
      if (range.first > range.last) continue;
      if (range.first >= surrogate_first && range.last <= surrogate_last) continue;
      add(present, b);
      spans[b] = {class_of(dfa, range.first), class_of(dfa, range.last) + 1};
    }
  }
  // Where every character of each bucket leads from `state`: one state, dead, or mixed.
  void targets(const regex_dfa& dfa, std::uint32_t state, std::array<std::uint32_t, bucket_count>& out) const {
    const std::size_t classes = dfa.class_starts.size();
    for (std::size_t b = 0; b < bucket_count; ++b) {
      if (!has(present, b)) continue;
      std::uint32_t target = regex_dfa::dead;
      bool first = true;
      for (std::size_t c = spans[b].first; c < spans[b].second; ++c) {
        const std::uint32_t last = c + 1 < classes ? dfa.class_starts[c + 1] - 1 : code_point_max;
        if (dfa.class_starts[c] >= surrogate_first && last <= surrogate_last) continue;
        const std::uint32_t next = dfa.next[state * classes + c];
        if (first) target = next, first = false;
        else if (next != target) target = mixed;
      }
      out[b] = target;
    }
  }
};

// The live target the most buckets lead to from `state` (itself when some bucket loops; between
// equals, the one more tokens start towards), or dead when no bucket leads to one live state.
std::uint32_t run_target(std::uint32_t state, const std::array<std::uint32_t, bucket_count>& targets, const bucket_set& present,
                         const plain_token_buckets& buckets) {
  std::vector<std::pair<std::uint32_t, std::size_t>> weights;  // target, first characters (few targets)
  for (std::size_t b = 0; b < bucket_count; ++b) {
    if (!has(present, b) || targets[b] == regex_dfa::dead || targets[b] == mixed) continue;
    if (targets[b] == state) return state;
    auto known = std::find_if(weights.begin(), weights.end(), [&](const auto& w) { return w.first == targets[b]; });
    // Buckets first (a class of letters outweighs a space that many tokens start with), then tokens.
    const std::size_t weight = (std::size_t{1} << 40) + buckets.first_count(b);
    if (known == weights.end()) weights.emplace_back(targets[b], weight);
    else known->second += weight;
  }
  const auto best = std::max_element(weights.begin(), weights.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  return best == weights.end() ? regex_dfa::dead : best->first;
}

}  // namespace

thread_buckets buckets_for(const compiled_schema& schema, const json_schema_prefix::pattern_thread& thread,
                           const plain_token_buckets& buckets, std::uint32_t characters_max) {
  const schema_node& n = schema.nodes[thread.node];
  const regex_dfa& dfa = schema.patterns[n.pattern];
  thread_buckets out;
  for (std::uint32_t c = 0; c < out.ascii_class.size(); ++c) out.ascii_class[c] = static_cast<std::uint32_t>(class_of(dfa, c));
  const bucket_classes classes(dfa, buckets);
  out.run = out.dead = classes.present;
  const std::uint32_t left = n.max_length == schema_node::unlimited ? schema_node::unlimited : n.max_length - thread.characters;
  const std::uint32_t steps_max = std::min(left, characters_max);
  std::vector<std::uint32_t> chosen(dfa.states(), mixed);  // each run state's target, once met
  std::array<std::uint32_t, bucket_count> targets{};
  for (std::uint32_t state = thread.pattern_state;;) {
    if (chosen[state] == mixed) {  // a state met for the first time: its buckets narrow the sets
      classes.targets(dfa, state, targets);
      bucket_set run{}, dead{};
      chosen[state] = run_target(state, targets, classes.present, buckets);
      for (std::size_t b = 0; b < bucket_count; ++b) {
        if (!has(classes.present, b)) continue;
        if (targets[b] == chosen[state]) add(run, b);
        if (targets[b] == regex_dfa::dead) add(dead, b);
      }
      if (state == thread.pattern_state) {
        out.dead_first = dead;
        for (std::size_t b = 0; b < bucket_count; ++b) out.live_first += has(dead, b) ? 0 : buckets.first_count(b);
      }
      for (std::size_t w = 0; w < run.size(); ++w) out.run[w] &= run[w], out.dead[w] &= dead[w];
    }
    // Along the run each character must pass maxLength and leave a match in reach (a loop or a
    // cycle meets the same states again: nothing new to narrow).
    const std::uint32_t next = chosen[state];
    if (next == regex_dfa::dead || out.room == steps_max ||
        !pattern_length_fits(schema, n, next, thread.characters + out.room + 1)) {
      break;
    }
    ++out.room;
    state = next;
  }
  return out;
}

bool thread_takes(const compiled_schema& schema, const json_schema_prefix::pattern_thread& thread, const thread_buckets& classes,
                  std::span<const std::uint32_t> characters) {
  const schema_node& n = schema.nodes[thread.node];
  const regex_dfa& dfa = schema.patterns[n.pattern];
  const std::size_t class_count = dfa.class_starts.size();
  std::uint32_t state = thread.pattern_state, written = thread.characters;
  for (const std::uint32_t c : characters) {
    if (written >= n.max_length) return false;
    const std::size_t character_class = c < classes.ascii_class.size() ? classes.ascii_class[c] : class_of(dfa, c);
    state = dfa.next[state * class_count + character_class];
    ++written;
    if (state == regex_dfa::dead || !pattern_length_fits(schema, n, state, written)) return false;
  }
  return true;
}

}  // namespace infergrid::model

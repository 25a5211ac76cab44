#include "kernels/model/regex_dfa.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

namespace infergrid::model {

std::uint32_t regex_dfa::step(std::uint32_t state, std::uint32_t code_point) const {
  const auto it = std::upper_bound(class_starts.begin(), class_starts.end(), code_point);
  const auto character_class = static_cast<std::size_t>(it - class_starts.begin()) - 1;
  return next[state * class_starts.size() + character_class];
}

bool regex_dfa::takes_everything(std::uint32_t state) const {
  if (!accepts(state)) return false;
  for (std::size_t c = 0; c < class_starts.size(); ++c) {
    const bool surrogates = class_starts[c] >= 0xD800 && class_starts[c] <= 0xDFFF;  // in no class: always dead
    if (!surrogates && next[state * class_starts.size() + c] != state) return false;
  }
  return true;
}

bool regex_dfa::matches(const std::vector<std::uint32_t>& code_points) const {
  std::uint32_t state = start;
  for (const std::uint32_t c : code_points) {
    state = step(state, c);
    if (state == dead) return false;
  }
  return accepts(state);
}

namespace {

// Thompson automaton: epsilon edges, ^ and $ edges (taken only at the start / at the end), and
// edges that read one code point of a class.
enum class edge_kind : std::uint8_t { epsilon, at_start, at_end, read };
struct nfa_edge {
  edge_kind kind;
  std::uint32_t target;
  std::uint32_t characters = 0;  // read: index into nfa::classes
};
struct nfa {
  std::vector<std::vector<nfa_edge>> edges;  // per state
  std::vector<code_point_set> classes;
  std::uint32_t start = 0, final = 0;
};
struct fragment {
  std::uint32_t start, end;
};

class nfa_builder {
 public:
  nfa_builder(const regex_tree& tree, const regex_limits& limits) : tree_(tree), limits_(limits) {}

  result<nfa> build() {
    // .*(pattern).* : the pattern may match anywhere (^ and $ edges pin it).
    const code_point_set any = complement({});
    auto front = state(), back = state();
    if (!front.ok() || !back.ok()) return front.ok() ? back.err() : front.err();
    auto body = fragment_of(tree_.root);
    if (!body.ok()) return body.err();
    add_read(*front, *front, any);
    out_.edges[*front].push_back({edge_kind::epsilon, body->start});
    out_.edges[body->end].push_back({edge_kind::epsilon, *back});
    add_read(*back, *back, any);
    out_.start = *front;
    out_.final = *back;
    return std::move(out_);
  }

 private:
  result<std::uint32_t> state() {
    if (out_.edges.size() >= limits_.nfa_states_max) {
      return make_error(error_code::too_large, "the pattern expands to more than " + std::to_string(limits_.nfa_states_max) +
                                                   " automaton states (fewer or smaller repetition counts)");
    }
    out_.edges.emplace_back();
    return static_cast<std::uint32_t>(out_.edges.size() - 1);
  }
  void link(std::uint32_t from, std::uint32_t to, edge_kind kind = edge_kind::epsilon) { out_.edges[from].push_back({kind, to}); }
  void add_read(std::uint32_t from, std::uint32_t to, const code_point_set& set) {
    const auto known = std::find(out_.classes.begin(), out_.classes.end(), set);
    const auto index = static_cast<std::uint32_t>(known - out_.classes.begin());
    if (known == out_.classes.end()) out_.classes.push_back(set);
    out_.edges[from].push_back({edge_kind::read, to, index});
  }

  result<fragment> unlinked() {
    auto start = state(), end = state();
    if (!start.ok() || !end.ok()) return start.ok() ? end.err() : start.err();
    return fragment{*start, *end};
  }
  result<fragment> pair(edge_kind kind) {
    auto f = unlinked();
    if (f.ok()) link(f->start, f->end, kind);
    return f;
  }

  result<fragment> sequence_of(const std::vector<std::uint32_t>& children) {
    if (children.empty()) return pair(edge_kind::epsilon);
    auto all = unlinked();
    if (!all.ok()) return all;
    std::uint32_t end = all->start;
    for (const std::uint32_t child : children) {
      auto part = fragment_of(child);
      if (!part.ok()) return part;
      link(end, part->start);
      end = part->end;
    }
    link(end, all->end);
    return all;
  }

  result<fragment> repeat_of(const regex_node& node) {
    auto all = unlinked();
    if (!all.ok()) return all;
    std::uint32_t end = all->start;
    for (std::uint32_t i = 0; i < node.min; ++i) {
      auto copy = fragment_of(node.children[0]);
      if (!copy.ok()) return copy;
      link(end, copy->start);
      end = copy->end;
    }
    if (node.max == regex_node::unbounded) {
      auto loop = fragment_of(node.children[0]);
      if (!loop.ok()) return loop;
      link(end, loop->start);
      link(loop->end, end);
    } else {
      for (std::uint32_t i = node.min; i < node.max; ++i) {
        auto copy = fragment_of(node.children[0]);
        if (!copy.ok()) return copy;
        link(end, all->end);  // stop here
        link(end, copy->start);
        end = copy->end;
      }
    }
    link(end, all->end);
    return all;
  }

  result<fragment> fragment_of(std::uint32_t index) {
    const regex_node& node = tree_.nodes[index];
    switch (node.kind) {
      case regex_kind::empty: return pair(edge_kind::epsilon);
      case regex_kind::text_start: return pair(edge_kind::at_start);
      case regex_kind::text_end: return pair(edge_kind::at_end);
      case regex_kind::characters: {
        auto f = unlinked();
        if (f.ok()) add_read(f->start, f->end, node.characters);
        return f;
      }
      case regex_kind::sequence: return sequence_of(node.children);
      case regex_kind::alternation: {
        auto all = unlinked();
        if (!all.ok()) return all;
        for (const std::uint32_t child : node.children) {
          auto branch = fragment_of(child);
          if (!branch.ok()) return branch;
          link(all->start, branch->start);
          link(branch->end, all->end);
        }
        return all;
      }
      case regex_kind::repeat: return repeat_of(node);
    }
    return make_error(error_code::internal, "unknown regex node");
  }

  const regex_tree& tree_;
  const regex_limits& limits_;
  nfa out_;
};

using state_set = std::vector<std::uint32_t>;  // sorted NFA states

// The states a set reaches without reading (^ edges only at the start; $ edges only when
// `at_end`). Bounded work in all: each state visited counts against regex_limits::closure_visits_max.
class closure_finder {
 public:
  closure_finder(const nfa& automaton, std::uint64_t visits_max)
      : automaton_(automaton), stamp_(automaton.edges.size(), 0), visits_left_(visits_max) {}

  result<state_set> operator()(const state_set& seeds, bool at_start, bool at_end) {
    ++generation_;
    state_set out;
    for (const std::uint32_t s : seeds) {
      if (stamp_[s] != generation_) stamp_[s] = generation_, out.push_back(s);
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
      for (const nfa_edge& e : automaton_.edges[out[i]]) {
        const bool free = e.kind == edge_kind::epsilon || (e.kind == edge_kind::at_start && at_start) ||
                          (e.kind == edge_kind::at_end && at_end);
        if (free && stamp_[e.target] != generation_) stamp_[e.target] = generation_, out.push_back(e.target);
      }
    }
    if (out.size() > visits_left_) {
      return make_error(error_code::too_large, "the pattern is too complex to compile (its automaton takes too long to build)");
    }
    visits_left_ -= out.size();
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  const nfa& automaton_;
  std::vector<std::uint32_t> stamp_;
  std::uint32_t generation_ = 0;
  std::uint64_t visits_left_;
};

std::vector<std::uint32_t> class_starts_of(const nfa& automaton) {
  std::vector<std::uint32_t> starts = {0};
  for (const code_point_set& set : automaton.classes) {
    for (const code_point_range& r : set) {
      starts.push_back(r.first);
      if (r.last < code_point_max) starts.push_back(r.last + 1);
    }
  }
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  return starts;
}


result<regex_dfa> determinized(const nfa& automaton, const regex_limits& limits) {
  regex_dfa dfa{.class_starts = class_starts_of(automaton)};
  const std::size_t classes = dfa.class_starts.size();
  // reads[c]: for each class, whether NFA class k contains it
  std::vector<std::vector<std::uint8_t>> contains_class(automaton.classes.size(), std::vector<std::uint8_t>(classes));
  for (std::size_t k = 0; k < automaton.classes.size(); ++k) {
    for (std::size_t c = 0; c < classes; ++c) contains_class[k][c] = contains(automaton.classes[k], dfa.class_starts[c]);
  }
  std::map<std::pair<state_set, bool>, std::uint32_t> known;
  std::vector<std::pair<state_set, bool>> states;  // the DFA state's NFA states, and whether it is the start
  const auto intern = [&](state_set set, bool at_start) -> result<std::uint32_t> {
    // Past a match of an unanchored end every continuation matches: one state for all of them.
    if (std::binary_search(set.begin(), set.end(), automaton.final)) set = {automaton.final}, at_start = false;
    auto key = std::make_pair(std::move(set), at_start);
    if (const auto found = known.find(key); found != known.end()) return found->second;
    if (states.size() >= limits.dfa_states_max || (states.size() + 1) * classes > limits.dfa_cells_max) {
      return make_error(error_code::too_large, "the pattern needs more than " + std::to_string(limits.dfa_states_max) +
                                                   " automaton states (or " + std::to_string(limits.dfa_cells_max) + " table cells)");
    }
    const auto id = static_cast<std::uint32_t>(states.size());
    known.emplace(key, id);
    states.push_back(std::move(key));
    return id;
  };
  closure_finder closure(automaton, limits.closure_visits_max);
  auto first = closure({automaton.start}, true, false);
  if (!first.ok()) return first.err();
  IG_TRY(intern(std::move(*first), true));
  for (std::size_t s = 0; s < states.size(); ++s) {
    const state_set here = states[s].first;
    const bool at_start = states[s].second;
    auto ending = closure(here, at_start, true);
    if (!ending.ok()) return ending.err();
    dfa.accepting.push_back(std::binary_search(ending->begin(), ending->end(), automaton.final) ? 1 : 0);
    for (std::size_t c = 0; c < classes; ++c) {
      state_set targets;
      for (const std::uint32_t n : here) {
        for (const nfa_edge& e : automaton.edges[n]) {
          if (e.kind == edge_kind::read && contains_class[e.characters][c]) targets.push_back(e.target);
        }
      }
      if (targets.empty()) {
        dfa.next.push_back(regex_dfa::dead);
        continue;
      }
      std::sort(targets.begin(), targets.end());
      targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
      auto reached = closure(targets, false, false);
      if (!reached.ok()) return reached.err();
      auto target = intern(std::move(*reached), false);
      if (!target.ok()) return target.err();
      dfa.next.push_back(*target);
    }
  }
  return without_dead_states(std::move(dfa), "no string matches the pattern");
}

}  // namespace

result<regex_dfa> without_dead_states(regex_dfa dfa, std::string_view none_matches) {
  const std::size_t classes = dfa.class_starts.size();
  std::vector<std::uint8_t> live(dfa.accepting.begin(), dfa.accepting.end());
  for (bool changed = true; changed;) {
    changed = false;
    for (std::uint32_t s = 0; s < dfa.states(); ++s) {
      if (live[s]) continue;
      for (std::size_t c = 0; c < classes && !live[s]; ++c) {
        const std::uint32_t t = dfa.next[s * classes + c];
        if (t != regex_dfa::dead && live[t]) live[s] = 1, changed = true;
      }
    }
  }
  if (!live[regex_dfa::start]) return make_error(error_code::invalid_argument, std::string(none_matches));
  std::vector<std::uint32_t> renumbered(dfa.states(), regex_dfa::dead);
  std::uint32_t kept = 0;
  for (std::uint32_t s = 0; s < dfa.states(); ++s) {
    if (live[s]) renumbered[s] = kept++;
  }
  regex_dfa out{.class_starts = dfa.class_starts};
  for (std::uint32_t s = 0; s < dfa.states(); ++s) {
    if (!live[s]) continue;
    out.accepting.push_back(dfa.accepting[s]);
    for (std::size_t c = 0; c < classes; ++c) {
      const std::uint32_t t = dfa.next[s * classes + c];
      out.next.push_back(t == regex_dfa::dead ? regex_dfa::dead : renumbered[t]);
    }
  }
  return out;
}

result<regex_dfa> compile_regex(std::string_view pattern, const regex_limits& limits) {
  auto tree = parse_regex(pattern, limits);
  if (!tree.ok()) return tree.err();
  auto automaton = nfa_builder(*tree, limits).build();
  if (!automaton.ok()) return automaton.err();
  return determinized(*automaton, limits);
}

}  // namespace infergrid::model

#pragma once
// plain_end_states: for one state of a pattern's automaton, the state each plain string token
// (schema_token_mask.hpp: whole characters, no closing quote) leads it to, or none where a character
// of the token leaves the pattern. Found once by a walk of the token trie with plain_pattern_walker
// (no length limits: the count is checked apart) and kept in the caller's scratch, so a string whose
// pattern threads' match lengths do not matter decides every plain token with one look-up per thread
// and its character count against the thread's maxLength: the next step at the same automaton state
// costs a pass over the vocabulary, not a walk of the trie. That is what `^\w+( \w+)*$` needs: most
// tokens fit it (a space leads from a word to another state, so no run and no bucket decides them and
// the walk visits most of the trie), but its automaton has two states, visited again and again.
// Tables are kept for small automata only (compared whole to find one: a schema compiled again, or
// another schema, never meets a stale table) and a few at a time, the least recently used dropped.
#include <cstdint>
#include <vector>

#include "kernels/model/regex_dfa.hpp"

namespace infergrid::model {

class plain_end_states {
 public:
  static constexpr std::uint16_t none = UINT16_MAX;         // the token leaves the pattern
  static constexpr std::size_t dfa_cells_max = 4096;        // automata tabled (their next tables' cells)
  static constexpr std::size_t tables_max = 4;              // tables kept (each 2 bytes per token)

  static bool tables(const regex_dfa& dfa) { return dfa.next.size() <= dfa_cells_max && dfa.states() < none; }

  // The end state per token id from `state` of `dfa` (which tables() must allow); `build(end)` fills
  // a table of `none` when it is not kept yet.
  template <class Build>
  const std::vector<std::uint16_t>& from(const regex_dfa& dfa, std::uint32_t state, std::size_t tokens, Build&& build) {
    for (std::size_t i = 0; i < kept_.size(); ++i) {
      table& t = kept_[i];
      if (t.state == state && t.next == dfa.next && t.class_starts == dfa.class_starts) {
        std::rotate(kept_.begin() + static_cast<std::ptrdiff_t>(i), kept_.begin() + static_cast<std::ptrdiff_t>(i) + 1, kept_.end());
        return kept_.back().end;
      }
    }
    if (kept_.size() == tables_max) kept_.erase(kept_.begin());
    kept_.push_back(table{dfa.class_starts, dfa.next, state, std::vector<std::uint16_t>(tokens, none)});
    build(kept_.back().end);
    return kept_.back().end;
  }
  std::size_t size() const { return kept_.size(); }

 private:
  struct table {
    std::vector<std::uint32_t> class_starts, next;  // the automaton
    std::uint32_t state = 0;
    std::vector<std::uint16_t> end;  // per token id
  };
  std::vector<table> kept_;  // least recently used first
};

}  // namespace infergrid::model

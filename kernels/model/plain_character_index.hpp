#pragma once
// plain_character_index: for the plain string tokens of a vocabulary (schema_token_mask.hpp: whole
// characters inside a JSON string, no closing quote), which tokens hold a character of a given
// range, as the string decodes them ("\\n" holds a newline). With a pattern, only the tokens that
// hold a character moving its automaton off the run (pattern_run.hpp) need feeding; the others are
// decided by their character count.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "kernels/model/code_point_range.hpp"
#include "kernels/model/vocabulary.hpp"

namespace infergrid::model {

class plain_character_index {
 public:
  plain_character_index() = default;
  // (token, its characters) for each plain token.
  explicit plain_character_index(std::vector<std::pair<token_id, std::vector<std::uint32_t>>> tokens);

  // Entries (a token once per distinct character it holds) with a character in `range`.
  std::size_t count_within(code_point_range range) const;
  template <class Visit>
  void visit_within(code_point_range range, Visit&& visit) const {
    const auto [begin, end] = bounds(range);
    for (std::size_t i = offsets_[begin]; i < offsets_[end]; ++i) visit(tokens_[i]);
  }
  std::size_t entries() const { return tokens_.size(); }

 private:
  std::pair<std::size_t, std::size_t> bounds(code_point_range range) const;  // indices into characters_

  std::vector<std::uint32_t> characters_;  // sorted, distinct
  std::vector<std::size_t> offsets_ = {0};  // characters_[i]'s tokens: tokens_[offsets_[i]..offsets_[i+1])
  std::vector<token_id> tokens_;
};

}  // namespace infergrid::model

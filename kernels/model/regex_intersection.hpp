#pragma once
// regex_intersection: the strings two automata both match (a string's `pattern` and its `format`),
// as one automaton: the product of the two, over the character classes of both, with only the
// pairs of states reachable from the two starts. Every kept state can still reach a match (dead
// pairs are removed), as compile_regex promises; a pure function of the two automata.
// errors: invalid_argument (`none_matches`) when no string matches both, too_large when the
// product passes limits.dfa_states_max or limits.dfa_cells_max.
#include <string_view>

#include "kernels/model/regex_dfa.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

result<regex_dfa> intersection(const regex_dfa& a, const regex_dfa& b, std::string_view none_matches,
                               const regex_limits& limits = {});

}  // namespace infergrid::model

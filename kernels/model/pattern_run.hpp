#pragma once
// pattern_run: how a string with a pattern (and minLength/maxLength) takes characters, for the
// recogniser (pattern_length_fits) and the token mask's shortcut (plain_run).
// plain_run follows, from a state, the states most characters lead to (a loop for `.*`, a chain of
// counting states for `[^"]{0,200}`) and collects the characters that lead elsewhere ("moving"): a
// token of n characters with none of them takes exactly n steps of that run, so it fits exactly
// when n is at most the run's length; only tokens holding a moving character need feeding.
#include <cstdint>
#include <vector>

#include "kernels/model/compiled_schema.hpp"
#include "kernels/model/code_point_range.hpp"

namespace infergrid::model {

// A string of node `n` (which has a pattern), at `pattern_state` after `characters` characters, can
// still end in a match within its minLength..maxLength.
bool pattern_length_fits(const compiled_schema& schema, const schema_node& n, std::uint32_t pattern_state,
                         std::uint32_t characters);

// The most characters (up to `steps_max`) that follow the run from `pattern_state` and still fit;
// appends the moving characters of the states on the way (and of the one where it stops) to `moving`.
std::uint32_t plain_run(const compiled_schema& schema, const schema_node& n, std::uint32_t pattern_state,
                        std::uint32_t characters, std::uint32_t steps_max, std::vector<code_point_range>& moving);

}  // namespace infergrid::model

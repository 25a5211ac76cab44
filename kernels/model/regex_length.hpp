#pragma once
// regex_length: minLength/maxLength beside a string's pattern, as part of its automaton.
#include <cstdint>

#include "kernels/model/regex_dfa.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

// `dfa` accepting only strings of min_length..max_length code points (max_length UINT32_MAX: no
// upper bound): the product with a character counter, so minLength/maxLength beside a pattern never
// strand a writer either. Bounds every match already keeps are dropped first. Refused: no string
// fits both (invalid_argument), a product over `limits` (too_large).
result<regex_dfa> with_length(const regex_dfa& dfa, std::uint32_t min_length, std::uint32_t max_length,
                              const regex_limits& limits = {});

}  // namespace infergrid::model

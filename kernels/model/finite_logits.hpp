#pragma once
// finite_logits: a row of logits whose largest value is not finite (every logit NaN or -inf, or
// +inf in it) comes from a broken model — damaged weights, or a computation that overflowed — and
// has nothing to draw from. Generation stops there with this error instead of emitting token 0 on
// and on (the sampler alone only stays total on such a row: sampler.cpp).
#include <cstddef>
#include <string>

#include "runtime/result.hpp"

namespace infergrid::model {

// The error for generated token `position`, whose row's largest logit (max_logit) is not finite.
inline error non_finite_logits(std::size_t position) {
  return make_error(error_code::internal, "the model's logits for generated token " + std::to_string(position) +
                                              " have no finite value (all NaN or infinite): its weights are damaged "
                                              "or the computation overflowed");
}

}  // namespace infergrid::model

#pragma once
// amount: money in integer micro-units (1 token = 1'000'000 micro) with overflow-checked math.
// Every amount is a micro_units (int64) named *_micro; arithmetic goes through these helpers
// so an overflow is an error value, never a wrap.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "runtime/result.hpp"

namespace infergrid::ledger {

using micro_units = std::int64_t;
// 128-bit intermediate for products of amounts and shares (GCC/Clang extension).
__extension__ typedef __int128 wide_integer;

// One token in micro-units.
inline constexpr micro_units micro_per_token = 1'000'000;
// Largest amount any single bucket may hold: 2^62, so that the sum of two buckets never overflows.
inline constexpr micro_units amount_max_micro = micro_units{1} << 62;
// Basis points in one whole (fees and shares are expressed in basis points).
inline constexpr std::int64_t basis_points_whole = 10'000;

inline result<micro_units> checked_add(micro_units a, micro_units b) {
  micro_units sum = 0;
  if (__builtin_add_overflow(a, b, &sum) || sum > amount_max_micro || sum < -amount_max_micro) {
    return make_error(error_code::too_large, "amount overflow: " + std::to_string(a) + " + " + std::to_string(b));
  }
  return sum;
}

inline result<micro_units> checked_mul(micro_units a, std::int64_t b) {
  micro_units product = 0;
  if (__builtin_mul_overflow(a, b, &product) || product > amount_max_micro || product < -amount_max_micro) {
    return make_error(error_code::too_large, "amount overflow: " + std::to_string(a) + " * " + std::to_string(b));
  }
  return product;
}

// floor(value * numerator / denominator) without intermediate overflow; denominator > 0.
inline micro_units mul_div_floor(micro_units value, std::int64_t numerator, std::int64_t denominator) {
  const wide_integer product = static_cast<wide_integer>(value) * numerator;
  return static_cast<micro_units>(product / denominator);
}

// Price of a request: floor((prompt_tokens * prompt_price + completion_tokens * completion_price) / 1000)
// where prices are micro-units per 1,000 tokens. Rounding rule: round DOWN, the payer is never
// charged for a fraction of a micro-unit; the miner loses less than one micro-unit per request.
inline result<micro_units> token_cost_micro(std::int64_t prompt_tokens, micro_units prompt_price_per_1k_micro,
                                             std::int64_t completion_tokens,
                                             micro_units completion_price_per_1k_micro) {
  if (prompt_tokens < 0 || completion_tokens < 0 || prompt_price_per_1k_micro < 0 || completion_price_per_1k_micro < 0) {
    return make_error(error_code::invalid_argument, "token counts and prices must not be negative");
  }
  const wide_integer total = static_cast<wide_integer>(prompt_tokens) * prompt_price_per_1k_micro +
                         static_cast<wide_integer>(completion_tokens) * completion_price_per_1k_micro;
  const wide_integer cost = total / 1000;
  if (cost > amount_max_micro) return make_error(error_code::too_large, "request cost overflows");
  return static_cast<micro_units>(cost);
}

// "12.5" tokens or "12500000u" micro-units → micro-units. At most six decimals; no sign.
result<micro_units> parse_amount(std::string_view text);
// 12500000 → "12.500000".
std::string format_amount(micro_units value);

}  // namespace infergrid::ledger

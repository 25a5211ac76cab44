#include "kernels/model/schema_number.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "kernels/model/decimal_text.hpp"

namespace infergrid::model {
namespace {

constexpr std::array<decimal_units, 32> powers_of_ten = [] {
  std::array<decimal_units, 32> p{};
  p[0] = 1;
  for (std::size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
  return p;
}();

decimal_units clamp_units(decimal_units v) { return std::clamp(v, -units_unbounded, units_unbounded); }

decimal_units greatest_common_divisor(decimal_units a, decimal_units b) {
  while (b != 0) {
    a %= b;
    std::swap(a, b);
  }
  return a;
}

// a * b mod m for 0 <= a, b < m <= 2^125, without overflowing.
decimal_units multiply_mod(decimal_units a, decimal_units b, decimal_units m) {
  decimal_units product = 0;
  for (; b > 0; b >>= 1) {
    if ((b & 1) != 0) product = product + a >= m ? product + a - m : product + a;
    a = a + a >= m ? a + a - m : a + a;
  }
  return product;
}

// x with a * x = 1 mod m (a and m coprime, m >= 1).
decimal_units inverse_mod(decimal_units a, decimal_units m) {
  decimal_units r0 = a, r1 = m, s0 = 1, s1 = 0;
  while (r1 != 0) {
    const decimal_units q = r0 / r1;
    r0 -= q * r1;
    std::swap(r0, r1);
    s0 -= q * s1;
    std::swap(s0, s1);
  }
  return ((s0 % m) + m) % m;
}

// Some point first + k * step (k >= 0) in [first, last] ∩ [low, high] that is a multiple of
// `multiple` (0: any point). `first` is a multiple of `step`.
bool grid_meets(decimal_units first, decimal_units last, decimal_units step, decimal_units low, decimal_units high,
                decimal_units multiple) {
  if (first > last) return false;
  if (multiple != 0) {
    // k * step = -first (mod multiple): solvable when gcd(step, multiple) divides first; the
    // solutions k repeat every multiple / gcd.
    const decimal_units divisor = greatest_common_divisor(step, multiple);
    if (first % divisor != 0) return false;
    const decimal_units period = multiple / divisor;
    const decimal_units wanted = (period - (first / divisor) % period) % period;
    const decimal_units k = multiply_mod(wanted, inverse_mod((step / divisor) % period, period), period);
    if (k > (last - first) / step) return false;
    first += k * step;
    if (period > (last - first) / step) return first >= low && first <= high;  // the only such point
    step *= period;
  }
  const decimal_units from = std::max(first, low), to = std::min(last, high);
  if (from > to) return false;
  const decimal_units point = first + (from - first + step - 1) / step * step;
  return point <= to;
}

}  // namespace

std::optional<decimal_units> step_units(std::string_view text) {
  auto parsed = parse_decimal(text);
  if (!parsed || parsed->negative || parsed->mantissa.empty()) return std::nullopt;
  decimal_text& d = *parsed;
  while (d.mantissa.back() == '0') d.mantissa.pop_back(), ++d.exponent;
  if (d.mantissa.size() > 36) return std::nullopt;
  decimal_units m = 0;
  for (const char c : d.mantissa) m = m * 10 + (c - '0');
  const int scale = d.exponent + 15;  // step = m * 10^scale units
  if (scale >= 0) {
    if (static_cast<int>(d.mantissa.size()) + scale > 31) return units_unbounded;
    return std::min(m * powers_of_ten[static_cast<std::size_t>(scale)], units_unbounded);
  }
  // m / 10^-scale units: its smallest whole multiple is m / gcd(m, 10^-scale).
  decimal_units divisor = 1;
  for (int twos = 0; twos < -scale && m % (divisor * 2) == 0; ++twos) divisor *= 2;
  for (int fives = 0; fives < -scale && m % (divisor * 5) == 0; ++fives) divisor *= 5;
  return std::min(m / divisor, units_unbounded);
}

std::optional<decimal_units> bound_units(std::string_view text, bound_side side, bool exclusive) {
  const auto parsed = parse_decimal(text);
  if (!parsed) return std::nullopt;
  const bool negative = parsed->negative;
  const std::string& mantissa = parsed->mantissa;
  const int exponent = parsed->exponent;
  // |value| = mantissa * 10^(exponent), in units: mantissa * 10^(exponent + 15).
  const int scale = exponent + 15;
  const int length = static_cast<int>(mantissa.size());
  decimal_units floor_magnitude = 0, ceil_magnitude = 0;
  if (mantissa.empty()) {
    // zero
  } else if (length + scale > 31) {
    floor_magnitude = ceil_magnitude = units_unbounded;
  } else if (scale >= 0) {
    decimal_units m = 0;
    for (const char c : mantissa) m = m * 10 + (c - '0');
    floor_magnitude = ceil_magnitude = m * powers_of_ten[static_cast<std::size_t>(scale)];
  } else if (-scale >= length) {
    floor_magnitude = 0;
    ceil_magnitude = 1;
  } else {
    // Keep the leading length + scale digits; the rest decides rounding up.
    const auto kept = static_cast<std::size_t>(length + scale);
    decimal_units m = 0;
    for (std::size_t d = 0; d < kept; ++d) m = m * 10 + (mantissa[d] - '0');
    const bool remainder = mantissa.find_first_not_of('0', kept) != std::string::npos;
    floor_magnitude = m;
    ceil_magnitude = m + (remainder ? 1 : 0);
  }
  // floor/ceil of the signed value
  const decimal_units floor_value = negative ? -ceil_magnitude : floor_magnitude;
  const decimal_units ceil_value = negative ? -floor_magnitude : ceil_magnitude;
  decimal_units limit = 0;
  if (side == bound_side::lower) limit = exclusive ? floor_value + 1 : ceil_value;
  else limit = exclusive ? ceil_value - 1 : floor_value;
  return clamp_units(limit);
}

namespace {

// Some completion of `p` (sign already chosen) has a magnitude in [low, high] (units).
bool magnitude_reachable(const number_prefix& p, const number_range& range, decimal_units low, decimal_units high) {
  const bool integer = range.integer;
  using phase = number_prefix::phase;
  low = std::max<decimal_units>(low, 0);
  if (low > high) return false;
  const int used = p.integer_digits + p.fraction_digits;
  const int left = number_digits_max - used;
  switch (p.at) {
    case phase::start:
    case phase::minus: {
      number_prefix zero = p;
      zero.at = phase::zero;
      if (magnitude_reachable(zero, range, low, high)) return true;
      for (std::uint64_t d = 1; d <= 9; ++d) {
        number_prefix first = p;
        first.at = phase::integer;
        first.integer_digits = 1;
        first.digits = d;
        if (magnitude_reachable(first, range, low, high)) return true;
      }
      return false;
    }
    case phase::zero:
      if (integer) return low == 0;
      return grid_meets(0, units_per_one - powers_of_ten[static_cast<std::size_t>(number_digits_max - left)], powers_of_ten[static_cast<std::size_t>(number_digits_max - left)], low, high, range.multiple);
    case phase::integer:
      for (int more = 0; more <= left; ++more) {
        const decimal_units span = powers_of_ten[static_cast<std::size_t>(more)] * units_per_one;
        const decimal_units first = static_cast<decimal_units>(p.digits) * span;
        const decimal_units step = integer ? units_per_one
                                           : powers_of_ten[static_cast<std::size_t>(number_digits_max - (left - more))];
        if (grid_meets(first, first + span - step, step, low, high, range.multiple)) return true;
      }
      return false;
    case phase::dot:
    case phase::fraction: {
      if (p.at == phase::dot && left == 0) return false;
      const auto shift = static_cast<std::size_t>(number_digits_max - p.fraction_digits);
      const decimal_units first = static_cast<decimal_units>(p.digits) * powers_of_ten[shift];
      const decimal_units step = powers_of_ten[shift - static_cast<std::size_t>(left)];
      return grid_meets(first, first + powers_of_ten[shift] - step, step, low, high, range.multiple);
    }
  }
  return false;
}

}  // namespace

bool number_prefix::viable(const number_range& range) const {
  if (at == phase::start) {
    number_prefix minus = *this;
    minus.negative = true;
    return magnitude_reachable(*this, range, range.minimum, range.maximum) ||
           magnitude_reachable(minus, range, -range.maximum, -range.minimum);
  }
  return negative ? magnitude_reachable(*this, range, -range.maximum, -range.minimum)
                  : magnitude_reachable(*this, range, range.minimum, range.maximum);
}

bool number_prefix::can_end(const number_range& range) const {
  if (at != phase::zero && at != phase::integer && at != phase::fraction) return false;
  const decimal_units magnitude =
      static_cast<decimal_units>(digits) * powers_of_ten[static_cast<std::size_t>(number_digits_max - fraction_digits)];
  const decimal_units value = negative ? -magnitude : magnitude;
  return value >= range.minimum && value <= range.maximum && (range.multiple == 0 || value % range.multiple == 0);
}

bool number_prefix::feed(unsigned char byte, const number_range& range) {
  number_prefix next = *this;
  const bool digit = byte >= '0' && byte <= '9';
  const auto d = static_cast<std::uint64_t>(byte - '0');
  const bool room = integer_digits + fraction_digits < number_digits_max;
  switch (at) {
    case phase::start:
      if (byte == '-') {
        next.at = phase::minus;
        next.negative = true;
        break;
      }
      [[fallthrough]];
    case phase::minus:
      if (!digit) return false;
      next.at = d == 0 ? phase::zero : phase::integer;
      next.integer_digits = d == 0 ? 0 : 1;
      next.digits = d;
      break;
    case phase::zero:
    case phase::integer:
      if (byte == '.' && !range.integer) {
        next.at = phase::dot;
        break;
      }
      if (!digit || at == phase::zero || !room) return false;
      next.digits = digits * 10 + d;
      ++next.integer_digits;
      break;
    case phase::dot:
    case phase::fraction:
      if (!digit || !room) return false;
      next.at = phase::fraction;
      next.digits = digits * 10 + d;
      ++next.fraction_digits;
      break;
  }
  if (!next.viable(range)) return false;
  *this = next;
  return true;
}

bool range_admits_a_number(const number_range& range) { return number_prefix{}.viable(range); }

}  // namespace infergrid::model

#include "kernels/model/decimal_text.hpp"

#include <algorithm>

namespace infergrid::model {
namespace {

// Trailing zeros of the mantissa moved into the exponent, so equal values read alike.
decimal_text normalised(decimal_text d) {
  while (!d.mantissa.empty() && d.mantissa.back() == '0') d.mantissa.pop_back(), ++d.exponent;
  if (d.mantissa.empty()) d = decimal_text{};
  return d;
}

}  // namespace

std::optional<decimal_text> parse_decimal(std::string_view text) {
  decimal_text out;
  std::size_t i = 0;
  out.negative = i < text.size() && text[i] == '-';
  if (out.negative) ++i;
  bool any_digit = false, dot = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      any_digit = true;
      if (!out.mantissa.empty() || c != '0') out.mantissa += c;
      if (dot) --out.exponent;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any_digit) return std::nullopt;
  if (i < text.size()) {
    if (text[i] != 'e' && text[i] != 'E') return std::nullopt;
    ++i;
    const bool exponent_negative = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    if (i == text.size()) return std::nullopt;
    int value = 0;
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = std::min(value * 10 + (text[i] - '0'), 100000);
    }
    out.exponent += exponent_negative ? -value : value;
  }
  return out;
}

bool same_decimal(std::string_view a, std::string_view b) {
  const auto x = parse_decimal(a), y = parse_decimal(b);
  if (!x || !y) return false;
  const decimal_text p = normalised(*x), q = normalised(*y);
  return p.negative == q.negative && p.mantissa == q.mantissa && p.exponent == q.exponent;
}

bool decimal_is_integer(std::string_view text) {
  const auto d = parse_decimal(text);
  return d && normalised(*d).exponent >= 0;
}

}  // namespace infergrid::model

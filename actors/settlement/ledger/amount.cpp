#include "actors/settlement/ledger/amount.hpp"

#include <cstdlib>

namespace infergrid::ledger {
namespace {

constexpr int decimals_max = 6;  // micro-units: six decimal places of a token

result<micro_units> parse_digits(std::string_view digits) {
  if (digits.empty() || digits.size() > 19) return make_error(error_code::invalid_argument, "bad amount digits");
  micro_units value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return make_error(error_code::invalid_argument, std::string("not a digit: ") + c);
    auto scaled = checked_mul(value, 10);
    if (!scaled) return scaled.err();
    auto next = checked_add(*scaled, c - '0');
    if (!next) return next.err();
    value = *next;
  }
  return value;
}

}  // namespace

result<micro_units> parse_amount(std::string_view text) {
  if (!text.empty() && text.back() == 'u') return parse_digits(text.substr(0, text.size() - 1));
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  std::string fraction = dot == std::string_view::npos ? "" : std::string(text.substr(dot + 1));
  if (fraction.size() > decimals_max) {
    return make_error(error_code::invalid_argument, "amount '" + std::string(text) + "' has more than 6 decimals");
  }
  fraction.append(decimals_max - fraction.size(), '0');
  auto tokens = parse_digits(whole.empty() ? "0" : whole);
  if (!tokens) return make_error(error_code::invalid_argument, "amount '" + std::string(text) + "': " + tokens.err().message);
  auto micro = parse_digits(fraction);
  if (!micro) return make_error(error_code::invalid_argument, "amount '" + std::string(text) + "': " + micro.err().message);
  auto scaled = checked_mul(*tokens, micro_per_token);
  if (!scaled) return scaled.err();
  return checked_add(*scaled, *micro);
}

std::string format_amount(micro_units value) {
  const bool negative = value < 0;
  const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  std::string fraction = std::to_string(magnitude % micro_per_token);
  fraction.insert(0, decimals_max - fraction.size(), '0');
  return (negative ? "-" : "") + std::to_string(magnitude / micro_per_token) + "." + fraction;
}

}  // namespace infergrid::ledger

#pragma once
// decimal_text: a JSON number's text ("-12.50", "1e-20", "12345678901234567890123") as its exact
// decimal value — sign, significant digits and a power of ten — with no rounding to a double.
#include <optional>
#include <string>
#include <string_view>

namespace infergrid::model {

struct decimal_text {
  bool negative = false;
  std::string mantissa;  // significant digits, no leading zeros; empty: zero
  int exponent = 0;      // |value| = mantissa * 10^exponent
};

// nullopt: not a JSON number (an exponent's size is capped at 100000, past any bound that matters).
std::optional<decimal_text> parse_decimal(std::string_view text);

// Both texts are JSON numbers of the same value ("0.10" and "1e-1"; "-0" and "0").
bool same_decimal(std::string_view a, std::string_view b);

// The text is a JSON number with no fractional part ("3.0", "1e2"; not "1.0000000000000000001").
bool decimal_is_integer(std::string_view text);

}  // namespace infergrid::model

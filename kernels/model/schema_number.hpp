#pragma once
// schema_number: the numbers a JSON-Schema-constrained writer may produce, and exact range checks
// on their every prefix. A number is written -?(0|[1-9][0-9]*)(\.[0-9]+)? with at most
// number_digits_max digits in all (a lone leading 0 not counted) and no exponent. Bounds are
// compared exactly with their texts as the schema writes them, however many digits (the schema
// compiler reads them with json_number_texts, not as doubles). Within 15 significant digits every
// decimal maps to its own double, in order, so a value within an inclusive bound is within it for
// a validator comparing doubles too; only an exclusive bound written with more than 15 significant
// digits can admit the one value a double validator rounds onto it (exactly, the value is inside).
// Values are held exactly as integers in units of 10^-15.
// A digit is accepted only if some completion of the prefix lies within the range (and is a
// multiple of its step, multipleOf), so a model can never write a prefix that has no valid ending.
// multipleOf is exact decimal arithmetic too: 0.07 is a multiple of 0.01.
#include <cstdint>
#include <optional>
#include <string_view>

namespace infergrid::model {

__extension__ typedef __int128 decimal_units;  // value * 10^15 (GCC/Clang 128-bit integer)

inline constexpr int number_digits_max = 15;
inline constexpr decimal_units units_per_one = 1'000'000'000'000'000;  // 10^15
// Beyond any value the writer can produce (|value| < 10^15).
inline constexpr decimal_units units_unbounded = units_per_one * units_per_one;

struct number_range {
  decimal_units minimum = -units_unbounded;  // inclusive
  decimal_units maximum = units_unbounded;   // inclusive
  bool integer = false;                      // no fraction part
  decimal_units multiple = 0;                // multipleOf as step_units made it (0: any value)
};

enum class bound_side : std::uint8_t { lower, upper };
// A bound from its JSON text ("0.1", "-3", "1e-20", "1.5e+300") as an inclusive limit in units:
// lower bounds round up, upper bounds down, exclusive ones step past the value itself; far beyond
// the writable range they clamp to ±units_unbounded. nullopt: not a JSON number.
std::optional<decimal_units> bound_units(std::string_view json_number, bound_side side, bool exclusive);

// multipleOf from its JSON text ("3", "0.01", "2.5e-20") as a step in units: the smallest
// positive multiple of it that is a whole number of units, since only those can be written (a step
// finer than 10^-15 allows every written value its units allow; one beyond 10^15 allows only 0 and
// comes back as units_unbounded). nullopt: not a number greater than 0, or over 36 significant digits.
std::optional<decimal_units> step_units(std::string_view json_number);

// A number being written.
struct number_prefix {
  enum class phase : std::uint8_t { start, minus, zero, integer, dot, fraction };
  phase at = phase::start;
  bool negative = false;
  std::uint8_t integer_digits = 0;   // a lone 0 counts none
  std::uint8_t fraction_digits = 0;
  std::uint64_t digits = 0;          // every digit written, as one integer

  // false: the byte is no digit, '-', '.' that keeps the prefix completable within `range`.
  // The first byte must be '-' or a digit.
  bool feed(unsigned char byte, const number_range& range);
  // The number may end here (the next byte is not part of it).
  bool can_end(const number_range& range) const;
  // Some completion lies within the range.
  bool viable(const number_range& range) const;
  bool operator==(const number_prefix&) const = default;
};

// Some number lies within the range (a schema whose range admits none is refused when compiled).
bool range_admits_a_number(const number_range& range);

}  // namespace infergrid::model

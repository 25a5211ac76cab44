#pragma once
// code_point_range: an inclusive range of Unicode code points, the unit a string's pattern
// automaton (regex_dfa.hpp) and the JSON string reader's pending character (json_string_reader.hpp)
// share.
#include <cstdint>

namespace infergrid::model {

inline constexpr std::uint32_t code_point_max = 0x10FFFF;

struct code_point_range {
  std::uint32_t first = 0, last = 0;  // inclusive
  bool operator==(const code_point_range&) const = default;
};

}  // namespace infergrid::model

#pragma once
// The characters (code points) of UTF-8 text: every byte but a continuation byte (10xxxxxx) starts
// one. Used where text is measured as people count it: the completions API's text offsets, the
// CLI's table columns.
#include <algorithm>
#include <cstddef>
#include <string_view>

namespace infergrid {

inline std::size_t utf8_characters(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace infergrid

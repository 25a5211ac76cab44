#pragma once
// json_nesting: how deep a JSON text nests its objects and arrays, counted by a scan of its bytes
// before it is parsed. nlohmann::json parses and destroys without recursion, but dump() and copies
// recurse once per level, so a request body of ~150,000 nested brackets (within any size limit)
// overflowed the stack of whatever process copied or printed it. Every JSON text from outside
// (request bodies, tool-call arguments, a model's tool calls, output schemas) is checked first.
#include <cstddef>
#include <string_view>

namespace infergrid::model {

// Deeper JSON is refused: far beyond real requests (OpenAI's structured outputs allow 10 levels of
// schema nesting), far below what recursion on a thread's stack survives.
inline constexpr std::size_t json_depth_max = 64;

// True when no object or array in `text` nests deeper than `max_depth` levels. Brackets inside
// strings do not count; malformed text is left for the parser to refuse.
inline bool json_nesting_within(std::string_view text, std::size_t max_depth = json_depth_max) {
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return true;
}

}  // namespace infergrid::model

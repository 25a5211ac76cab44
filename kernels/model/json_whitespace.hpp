#pragma once
// json_whitespace: the whitespace a constrained JSON writer may put between two tokens: nothing,
// one space, or a newline followed by up to max_indent spaces/tabs (llama.cpp's json.gbnf has the
// same rule), so a model cannot stall in whitespace. Trivially copyable, 2 bytes.
#include <cstdint>

namespace infergrid::model {

struct json_whitespace {
  static constexpr std::uint8_t max_indent = 20;

  static bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
  // false: `byte` is no whitespace this gap may still take.
  bool feed(unsigned char byte) {
    switch (gap) {
      case kind::none:
        if (byte == ' ') gap = kind::space;
        else if (byte == '\n') gap = kind::newline;
        else return false;
        return true;
      case kind::space:
        return false;
      case kind::newline:
        if ((byte != ' ' && byte != '\t') || indent >= max_indent) return false;
        ++indent;
        return true;
    }
    return false;
  }
  // A token was written: the next gap starts empty.
  void reset() { *this = {}; }
  bool operator==(const json_whitespace&) const = default;

  enum class kind : std::uint8_t { none, space, newline };
  kind gap = kind::none;
  std::uint8_t indent = 0;  // spaces/tabs after the newline
};

}  // namespace infergrid::model

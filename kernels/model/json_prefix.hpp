#pragma once
// json_prefix: an incremental recogniser of JSON text (RFC 8259) one byte at a time, for
// constrained decoding (response_format json_object). feed() says whether the bytes so far can
// still be continued into one complete JSON object; complete() whether they already are one.
// The state is a few bytes, trivially copyable, so a mask can try every token from a copy.
// Strings must be valid UTF-8 with paired \u surrogates, as strict parsers require
// (json_string_reader.hpp).
// Numbers stay finite in every parser's double: at most max_integer_digits before the point and
// max_exponent_digits in the exponent. Whitespace between tokens follows json_whitespace.hpp (at
// most one space, or a newline and max_indent spaces/tabs). Nesting depth <= max_depth; no bytes
// after the object closes.
#include <cstdint>
#include <string_view>

#include "kernels/model/json_string_reader.hpp"
#include "kernels/model/json_whitespace.hpp"

namespace infergrid::model {

class json_prefix {
 public:
  static constexpr std::uint8_t max_depth = 32;
  static constexpr std::uint8_t max_indent = json_whitespace::max_indent;
  static constexpr std::uint8_t max_integer_digits = 20;
  static constexpr std::uint8_t max_exponent_digits = 2;

  // false: `byte` cannot continue the text (the state is then unspecified: feed a copy).
  bool feed(unsigned char byte);
  bool feed(std::string_view bytes) {
    for (const char c : bytes) {
      if (!feed(static_cast<unsigned char>(c))) return false;
    }
    return true;
  }
  bool complete() const { return mode_ == mode::done; }
  // Inside a string at a character boundary with no escape pending: any run of bytes without '"',
  // '\\' or control characters that is whole UTF-8 characters leaves the state exactly as it is.
  bool in_plain_string() const { return mode_ == mode::string && string_.at_boundary(); }

 private:
  enum class mode : std::uint8_t {
    start,            // before the top-level '{'
    key_or_close,     // after '{'
    key,              // after ',' in an object
    colon,            // after a key
    value,            // after ':' or ',' in an array
    value_or_close,   // after '['
    after_value,      // after a value: ',', the matching close, or the end
    string,           // inside a string (string_)
    minus,            // after '-': a digit must follow
    zero,             // a number that is "0" or "-0"
    integer,          // integer digits
    dot,              // after '.': a digit must follow
    fraction,         // fraction digits
    exponent,         // after 'e'/'E': sign or digit
    exponent_sign,    // after the exponent's sign: a digit must follow
    exponent_digits,  // exponent digits
    literal,          // inside true / false / null
    done,             // the top-level object closed
  };

  bool value_start(unsigned char byte);
  bool after_value(unsigned char byte);
  bool number_ends(unsigned char byte);
  bool whitespace(unsigned char byte) { return gap_.feed(byte); }
  bool string_byte(unsigned char byte);
  void push(bool object) {
    if (object) containers_ |= (std::uint32_t{1} << depth_);
    else containers_ &= ~(std::uint32_t{1} << depth_);
    ++depth_;
  }
  bool in_object() const { return depth_ > 0 && (containers_ >> (depth_ - 1) & 1u) != 0; }

  mode mode_ = mode::start;
  std::uint8_t depth_ = 0;
  json_whitespace gap_;            // the whitespace since the last token
  bool in_key_ = false;
  json_string_reader string_;
  std::uint8_t digits_ = 0;          // digits of the number part being read
  const char* literal_rest_ = nullptr;  // what remains of "true" / "false" / "null"
  std::uint32_t containers_ = 0;        // bit i: level i is an object (1) or an array (0)
};

}  // namespace infergrid::model

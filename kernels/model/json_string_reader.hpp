#pragma once
// json_string_reader: the inside of a JSON string (after its opening quote), one byte at a time, as
// strict parsers require it: valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
// U+10FFFF), no raw control characters, the escapes RFC 8259 names, and \u surrogates only in pairs.
// feed() also says when a character (a code point, as JSON Schema's minLength/maxLength count them)
// is complete, which code point it is, and, inside one, which code points it may still become (a
// string's pattern automaton refuses a byte no allowed character can follow). Trivially copyable,
// 12 bytes: json_prefix and the schema recogniser embed it.
#include <array>
#include <cstdint>

#include "kernels/model/code_point_range.hpp"

namespace infergrid::model {

class json_string_reader {
 public:
  enum class step : std::uint8_t {
    refused,    // the byte cannot continue the string (the state is then unspecified)
    partial,    // inside a character (UTF-8 sequence, escape, first half of a surrogate pair)
    character,  // a character is complete
    closed,     // the closing quote
  };
  step feed(unsigned char byte);
  // At a character boundary: no UTF-8 sequence, escape or surrogate pair pending. A run of bytes
  // without '"', '\\' or control characters that is whole UTF-8 characters keeps the reader here.
  bool at_boundary() const { return mode_ == mode::plain && utf8_left_ == 0 && !need_low_surrogate_; }
  // The character feed() just completed (after step::character).
  std::uint32_t code_point() const { return code_; }
  // Inside a character (after step::partial): the code points it may still become, as at most three
  // ranges (a \u escape's first digits may still become a BMP character or a surrogate pair).
  struct pending_characters {
    std::array<code_point_range, 3> ranges{};
    std::uint8_t count = 0;
  };
  pending_characters pending() const;
  bool operator==(const json_string_reader&) const = default;

 private:
  enum class mode : std::uint8_t { plain, escape, unicode };
  step unicode_digit(unsigned char byte);

  mode mode_ = mode::plain;
  std::uint8_t utf8_left_ = 0;                       // continuation bytes still due
  std::uint8_t utf8_low_ = 0x80, utf8_high_ = 0xBF;  // the range of the next continuation byte
  bool need_low_surrogate_ = false;                  // a \uD800-\uDBFF escape must be followed by \uDC00-\uDFFF
  std::uint8_t escape_digits_ = 0;                   // digits of a \uXXXX escape still due
  std::uint16_t high_surrogate_ = 0;                 // while need_low_surrogate_: the pair's first half
  std::uint32_t code_ = 0;                           // the character so far: UTF-8 bits or the \u escape's digits
};

}  // namespace infergrid::model

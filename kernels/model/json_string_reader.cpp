#include "kernels/model/json_string_reader.hpp"

namespace infergrid::model {
namespace {

bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_hex(unsigned char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

}  // namespace

// \uXXXX digit by digit: a high surrogate must be followed by a low one; a lone low one is refused.
json_string_reader::step json_string_reader::unicode_digit(unsigned char byte) {
  if (!is_hex(byte)) return step::refused;
  const unsigned value = is_digit(byte) ? byte - '0' : (byte | 0x20) - 'a' + 10;
  const int index = 4 - escape_digits_;
  if (need_low_surrogate_) {
    if ((index == 0 && value != 0xD) || (index == 1 && value < 0xC)) return step::refused;
  } else if (index == 1 && code_ == 0xD && value >= 0xC) {
    return step::refused;
  }
  code_ = static_cast<std::uint16_t>(code_ << 4 | value);
  if (--escape_digits_ > 0) return step::partial;
  mode_ = mode::plain;
  if (need_low_surrogate_) {
    need_low_surrogate_ = false;
    return step::character;
  }
  need_low_surrogate_ = code_ >= 0xD800 && code_ <= 0xDBFF;
  return need_low_surrogate_ ? step::partial : step::character;
}

json_string_reader::step json_string_reader::feed(unsigned char byte) {
  if (mode_ == mode::unicode) return unicode_digit(byte);
  if (mode_ == mode::escape) {
    if (byte == 'u') {
      mode_ = mode::unicode;
      escape_digits_ = 4;
      code_ = 0;
      return step::partial;
    }
    if (need_low_surrogate_) return step::refused;
    if (byte == '"' || byte == '\\' || byte == '/' || byte == 'b' || byte == 'f' || byte == 'n' || byte == 'r' ||
        byte == 't') {
      mode_ = mode::plain;
      return step::character;
    }
    return step::refused;
  }
  if (utf8_left_ > 0) {
    if (byte < utf8_low_ || byte > utf8_high_) return step::refused;
    utf8_low_ = 0x80;
    utf8_high_ = 0xBF;
    return --utf8_left_ == 0 ? step::character : step::partial;
  }
  if (need_low_surrogate_) {
    if (byte != '\\') return step::refused;
    mode_ = mode::escape;
    return step::partial;
  }
  if (byte == '"') return step::closed;
  if (byte == '\\') {
    mode_ = mode::escape;
    return step::partial;
  }
  if (byte < 0x20) return step::refused;  // control characters must be escaped
  if (byte < 0x80) return step::character;
  std::uint8_t left = 0, low = 0x80, high = 0xBF;
  if (byte >= 0xC2 && byte <= 0xDF) left = 1;
  else if (byte == 0xE0) left = 2, low = 0xA0;
  else if ((byte >= 0xE1 && byte <= 0xEC) || byte == 0xEE || byte == 0xEF) left = 2;
  else if (byte == 0xED) left = 2, high = 0x9F;
  else if (byte == 0xF0) left = 3, low = 0x90;
  else if (byte >= 0xF1 && byte <= 0xF3) left = 3;
  else if (byte == 0xF4) left = 3, high = 0x8F;
  else return step::refused;
  utf8_left_ = left;
  utf8_low_ = low;
  utf8_high_ = high;
  return step::partial;
}

}  // namespace infergrid::model

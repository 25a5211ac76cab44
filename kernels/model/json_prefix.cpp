#include "kernels/model/json_prefix.hpp"

namespace infergrid::model {
namespace {

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_hex(unsigned char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

}  // namespace

bool json_prefix::whitespace(unsigned char byte) {
  switch (gap_) {
    case gap::none:
      if (byte == ' ') gap_ = gap::space;
      else if (byte == '\n') gap_ = gap::newline;
      else return false;
      return true;
    case gap::space:
      return false;
    case gap::newline:
      if ((byte != ' ' && byte != '\t') || indent_ >= max_indent) return false;
      ++indent_;
      return true;
  }
  return false;
}

// UTF-8 as RFC 3629 allows it: no overlong forms, no surrogates, nothing past U+10FFFF.
bool json_prefix::string_byte(unsigned char byte) {
  if (utf8_left_ > 0) {
    if (byte < utf8_low_ || byte > utf8_high_) return false;
    --utf8_left_;
    utf8_low_ = 0x80;
    utf8_high_ = 0xBF;
    return true;
  }
  if (need_low_surrogate_) {
    if (byte != '\\') return false;
    mode_ = mode::escape;
    return true;
  }
  if (byte == '"') {
    mode_ = in_key_ ? mode::colon : mode::after_value;
    return true;
  }
  if (byte == '\\') {
    mode_ = mode::escape;
    return true;
  }
  if (byte < 0x20) return false;  // control characters must be escaped
  if (byte < 0x80) return true;
  std::uint8_t left = 0, low = 0x80, high = 0xBF;
  if (byte >= 0xC2 && byte <= 0xDF) left = 1;
  else if (byte == 0xE0) left = 2, low = 0xA0;
  else if ((byte >= 0xE1 && byte <= 0xEC) || byte == 0xEE || byte == 0xEF) left = 2;
  else if (byte == 0xED) left = 2, high = 0x9F;
  else if (byte == 0xF0) left = 3, low = 0x90;
  else if (byte >= 0xF1 && byte <= 0xF3) left = 3;
  else if (byte == 0xF4) left = 3, high = 0x8F;
  else return false;
  utf8_left_ = left;
  utf8_low_ = low;
  utf8_high_ = high;
  return true;
}

// \uXXXX digit by digit: a high surrogate must be followed by a low one; a lone low one is refused.
bool json_prefix::unicode_digit(unsigned char byte) {
  if (!is_hex(byte)) return false;
  const unsigned value = is_digit(byte) ? byte - '0' : (byte | 0x20) - 'a' + 10;
  const int index = 4 - escape_digits_;
  if (need_low_surrogate_) {
    if ((index == 0 && value != 0xD) || (index == 1 && value < 0xC)) return false;
  } else if (index == 1 && code_ == 0xD && value >= 0xC) {
    return false;
  }
  code_ = static_cast<std::uint16_t>(code_ << 4 | value);
  if (--escape_digits_ > 0) return true;
  mode_ = mode::string;
  if (need_low_surrogate_) need_low_surrogate_ = false;
  else need_low_surrogate_ = code_ >= 0xD800 && code_ <= 0xDBFF;
  return true;
}

bool json_prefix::value_start(unsigned char byte) {
  switch (byte) {
    case '{':
    case '[':
      if (depth_ >= max_depth) return false;
      push(byte == '{');
      mode_ = byte == '{' ? mode::key_or_close : mode::value_or_close;
      return true;
    case '"': mode_ = mode::string; in_key_ = false; return true;
    case '-': mode_ = mode::minus; return true;
    case '0': mode_ = mode::zero; digits_ = 1; return true;
    case 't': mode_ = mode::literal; literal_rest_ = "rue"; return true;
    case 'f': mode_ = mode::literal; literal_rest_ = "alse"; return true;
    case 'n': mode_ = mode::literal; literal_rest_ = "ull"; return true;
    default:
      if (byte >= '1' && byte <= '9') {
        mode_ = mode::integer;
        digits_ = 1;
        return true;
      }
      return false;
  }
}

bool json_prefix::after_value(unsigned char byte) {
  if (byte == ',') {
    mode_ = in_object() ? mode::key : mode::value;
    return true;
  }
  if ((byte == '}' && in_object()) || (byte == ']' && depth_ > 0 && !in_object())) {
    --depth_;
    mode_ = depth_ == 0 ? mode::done : mode::after_value;
    return true;
  }
  return false;
}

// A number ends at the first byte that cannot extend it; that byte then follows the value.
bool json_prefix::number_ends(unsigned char byte) {
  mode_ = mode::after_value;
  if (is_space(byte)) return whitespace(byte);
  return after_value(byte);
}

bool json_prefix::feed(unsigned char byte) {
  switch (mode_) {
    case mode::string:
    case mode::escape:
    case mode::unicode:
      break;
    default:
      if (!is_space(byte)) {
        gap_ = gap::none;
        indent_ = 0;
      }
  }
  switch (mode_) {
    case mode::start:
      if (byte == '{') {
        push(true);
        mode_ = mode::key_or_close;
        return true;
      }
      return whitespace(byte);
    case mode::key_or_close:
      if (byte == '}') {
        --depth_;
        mode_ = depth_ == 0 ? mode::done : mode::after_value;
        return true;
      }
      [[fallthrough]];
    case mode::key:
      if (byte == '"') {
        mode_ = mode::string;
        in_key_ = true;
        return true;
      }
      return whitespace(byte);
    case mode::colon:
      if (byte == ':') {
        mode_ = mode::value;
        return true;
      }
      return whitespace(byte);
    case mode::value_or_close:
      if (byte == ']') {
        --depth_;
        mode_ = depth_ == 0 ? mode::done : mode::after_value;
        return true;
      }
      [[fallthrough]];
    case mode::value:
      return value_start(byte) || whitespace(byte);
    case mode::after_value:
      return after_value(byte) || whitespace(byte);
    case mode::string:
      return string_byte(byte);
    case mode::escape:
      if (byte == 'u') {
        mode_ = mode::unicode;
        escape_digits_ = 4;
        code_ = 0;
        return true;
      }
      if (need_low_surrogate_) return false;
      if (byte == '"' || byte == '\\' || byte == '/' || byte == 'b' || byte == 'f' || byte == 'n' || byte == 'r' ||
          byte == 't') {
        mode_ = mode::string;
        return true;
      }
      return false;
    case mode::unicode:
      return unicode_digit(byte);
    case mode::minus:
      if (byte == '0') mode_ = mode::zero;
      else if (is_digit(byte)) mode_ = mode::integer;
      else return false;
      digits_ = 1;
      return true;
    case mode::zero:
    case mode::integer:
      if (is_digit(byte) && mode_ == mode::integer) return ++digits_ <= max_integer_digits;
      if (byte == '.') {
        mode_ = mode::dot;
        return true;
      }
      if (byte == 'e' || byte == 'E') {
        mode_ = mode::exponent;
        return true;
      }
      return number_ends(byte);
    case mode::dot:
      if (!is_digit(byte)) return false;
      mode_ = mode::fraction;
      return true;
    case mode::fraction:
      if (is_digit(byte)) return true;
      if (byte == 'e' || byte == 'E') {
        mode_ = mode::exponent;
        return true;
      }
      return number_ends(byte);
    case mode::exponent:
      if (byte == '+' || byte == '-') {
        mode_ = mode::exponent_sign;
        return true;
      }
      [[fallthrough]];
    case mode::exponent_sign:
      if (!is_digit(byte)) return false;
      mode_ = mode::exponent_digits;
      digits_ = 1;
      return true;
    case mode::exponent_digits:
      if (is_digit(byte)) return ++digits_ <= max_exponent_digits;
      return number_ends(byte);
    case mode::literal:
      if (static_cast<unsigned char>(*literal_rest_) != byte) return false;
      ++literal_rest_;
      if (*literal_rest_ == '\0') mode_ = mode::after_value;
      return true;
    case mode::done:
      return false;
  }
  return false;
}

}  // namespace infergrid::model

#include "kernels/model/json_prefix.hpp"

namespace infergrid::model {
namespace {

bool is_space(unsigned char c) { return json_whitespace::is_space(c); }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool json_prefix::string_byte(unsigned char byte) {
  switch (string_.feed(byte)) {
    case json_string_reader::step::refused: return false;
    case json_string_reader::step::closed:
      string_ = {};
      mode_ = in_key_ ? mode::colon : mode::after_value;
      return true;
    default: return true;
  }
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
  if (mode_ != mode::string && !is_space(byte)) gap_.reset();
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

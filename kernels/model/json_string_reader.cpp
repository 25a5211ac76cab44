#include "kernels/model/json_string_reader.hpp"

#include <algorithm>
#include <utility>

namespace infergrid::model {
namespace {

bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_hex(unsigned char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// The escape letters with one character each, and that character.
constexpr std::array<std::pair<char, char>, 8> simple_escapes = {
    {{'"', '"'}, {'\\', '\\'}, {'/', '/'}, {'b', '\b'}, {'f', '\f'}, {'n', '\n'}, {'r', '\r'}, {'t', '\t'}}};

code_point_range pair_range(std::uint32_t high_first, std::uint32_t high_last) {
  return {0x10000 + ((high_first - 0xD800) << 10), 0x10000 + ((high_last - 0xD800) << 10) + 0x3FF};
}

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
  code_ = code_ << 4 | value;
  if (--escape_digits_ > 0) return step::partial;
  mode_ = mode::plain;
  if (need_low_surrogate_) {
    need_low_surrogate_ = false;
    code_ = 0x10000 + ((static_cast<std::uint32_t>(high_surrogate_) - 0xD800) << 10) + (code_ - 0xDC00);
    return step::character;
  }
  need_low_surrogate_ = code_ >= 0xD800 && code_ <= 0xDBFF;
  if (need_low_surrogate_) high_surrogate_ = static_cast<std::uint16_t>(code_);
  return need_low_surrogate_ ? step::partial : step::character;
}

json_string_reader::pending_characters json_string_reader::pending() const {
  pending_characters out;
  const auto add = [&](code_point_range r) {
    if (r.first <= r.last) out.ranges[out.count++] = r;
  };
  if (utf8_left_ > 0) {
    const unsigned shift = 6u * (utf8_left_ - 1u);
    add({((code_ << 6) | (utf8_low_ & 0x3Fu)) << shift, (((code_ << 6) | (utf8_high_ & 0x3Fu)) << shift) | ((1u << shift) - 1)});
  } else if (mode_ == mode::unicode) {
    const unsigned shift = 4u * escape_digits_;
    const std::uint32_t first = code_ << shift, last = first | ((1u << shift) - 1);
    const auto clip = [&](std::uint32_t low, std::uint32_t high) { return code_point_range{std::max(first, low), std::min(last, high)}; };
    if (need_low_surrogate_) {
      const code_point_range low = clip(0xDC00, 0xDFFF);
      const std::uint32_t base = pair_range(high_surrogate_, high_surrogate_).first;
      add({base + (low.first - 0xDC00), base + (low.last - 0xDC00)});
    } else {
      add(clip(0, 0xD7FF));
      add(clip(0xE000, 0xFFFF));
      const code_point_range high = clip(0xD800, 0xDBFF);
      if (high.first <= high.last) add(pair_range(high.first, high.last));
    }
  } else if (need_low_surrogate_) {
    add(pair_range(high_surrogate_, high_surrogate_));
  } else if (mode_ == mode::escape) {
    add({0, code_point_max});
  }
  return out;
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
    for (const auto& [letter, character] : simple_escapes) {
      if (byte != static_cast<unsigned char>(letter)) continue;
      mode_ = mode::plain;
      code_ = static_cast<unsigned char>(character);
      return step::character;
    }
    return step::refused;
  }
  if (utf8_left_ > 0) {
    if (byte < utf8_low_ || byte > utf8_high_) return step::refused;
    utf8_low_ = 0x80;
    utf8_high_ = 0xBF;
    code_ = code_ << 6 | (byte & 0x3Fu);
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
  code_ = byte;
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
  code_ = byte & (0x3Fu >> left);
  utf8_left_ = left;
  utf8_low_ = low;
  utf8_high_ = high;
  return step::partial;
}

}  // namespace infergrid::model

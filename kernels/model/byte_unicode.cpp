#include "kernels/model/byte_unicode.hpp"

#include <array>
#include <cstdint>

namespace infergrid::model {
namespace {

bool printable_latin1(unsigned value) {
  return (value >= 33 && value <= 126) || (value >= 161 && value <= 172) || (value >= 174 && value <= 255);
}

std::string utf8_of(std::uint32_t code_point) {
  std::string out;
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else {  // the alphabet stays below U+0800: two bytes
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
  return out;
}

struct alphabet {
  std::array<std::string, 256> text;
  std::array<std::int16_t, 0x200> byte_of;  // code point -> byte, -1 outside the alphabet
  alphabet() {
    byte_of.fill(-1);
    unsigned next_extra = 0;
    for (unsigned value = 0; value < 256; ++value) {
      const std::uint32_t code_point = printable_latin1(value) ? value : 256 + next_extra++;
      text[value] = utf8_of(code_point);
      byte_of[code_point] = static_cast<std::int16_t>(value);
    }
  }
};

const alphabet& the_alphabet() {
  static const alphabet table;
  return table;
}

}  // namespace

std::string_view byte_to_unicode(unsigned char byte) { return the_alphabet().text[byte]; }

std::string bytes_to_unicode(std::string_view text) {
  const alphabet& table = the_alphabet();
  std::string out;
  out.reserve(text.size() * 2);
  for (char c : text) out += table.text[static_cast<unsigned char>(c)];
  return out;
}

std::string unicode_to_bytes(std::string_view token_text) {
  const alphabet& table = the_alphabet();
  std::string out;
  out.reserve(token_text.size());
  for (std::size_t i = 0; i < token_text.size();) {
    const auto lead = static_cast<unsigned char>(token_text[i]);
    std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (i + length > token_text.size()) length = token_text.size() - i;
    std::uint32_t code_point = lead;
    if (length == 2) code_point = ((lead & 0x1Fu) << 6) | (static_cast<unsigned char>(token_text[i + 1]) & 0x3Fu);
    if (length <= 2 && code_point < table.byte_of.size() && table.byte_of[code_point] >= 0) {
      out += static_cast<char>(table.byte_of[code_point]);
    } else {
      out.append(token_text.substr(i, length));
    }
    i += length;
  }
  return out;
}

}  // namespace infergrid::model

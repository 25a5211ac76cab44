#include "actors/settlement/chain/chain_types.hpp"

#include <algorithm>

namespace infergrid::chain {
namespace {

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

result<std::string_view> strip_0x(std::string_view hex) {
  if (hex.size() < 2 || hex[0] != '0' || (hex[1] != 'x' && hex[1] != 'X')) {
    return make_error(error_code::malformed_input, "hex value '" + std::string(hex.substr(0, 80)) + "' lacks the 0x prefix");
  }
  return hex.substr(2);
}

template <std::size_t size>
result<std::array<std::uint8_t, size>> fixed_from_hex(std::string_view hex, const char* what) {
  auto parsed = bytes_from_hex(hex);
  if (!parsed) return parsed.err();
  if (parsed->size() != size) {
    return make_error(error_code::malformed_input, std::string(what) + " must be " + std::to_string(size) +
                                                       " bytes, got " + std::to_string(parsed->size()));
  }
  std::array<std::uint8_t, size> out{};
  std::copy(parsed->begin(), parsed->end(), out.begin());
  return out;
}

}  // namespace

std::string to_hex_0x(std::span<const std::uint8_t> data) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = "0x";
  out.reserve(2 + data.size() * 2);
  for (std::uint8_t b : data) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xf]);
  }
  return out;
}

result<bytes> bytes_from_hex(std::string_view hex) {
  auto digits = strip_0x(hex);
  if (!digits) return digits.err();
  if (digits->size() % 2 != 0) return make_error(error_code::malformed_input, "hex value has an odd number of digits");
  bytes out(digits->size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int high = digit_value((*digits)[2 * i]);
    const int low = digit_value((*digits)[2 * i + 1]);
    if (high < 0 || low < 0) return make_error(error_code::malformed_input, "hex value has a non-hex digit");
    out[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return out;
}

result<word> word_from_hex(std::string_view hex) { return fixed_from_hex<32>(hex, "a 32-byte word"); }
result<address> address_from_hex(std::string_view hex) { return fixed_from_hex<20>(hex, "an address"); }

std::string quantity_hex(std::uint64_t value) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string reversed;
  do {
    reversed.push_back(digits[value & 0xf]);
    value >>= 4;
  } while (value != 0);
  return "0x" + std::string(reversed.rbegin(), reversed.rend());
}

result<std::uint64_t> quantity_from_hex(std::string_view hex) {
  auto digits = strip_0x(hex);
  if (!digits) return digits.err();
  if (digits->empty()) return make_error(error_code::malformed_input, "quantity has no digits");
  std::uint64_t value = 0;
  for (char c : *digits) {
    const int d = digit_value(c);
    if (d < 0) return make_error(error_code::malformed_input, "quantity has a non-hex digit");
    if (value >> 60 != 0) return make_error(error_code::too_large, "quantity " + std::string(hex) + " exceeds 64 bits");
    value = value << 4 | static_cast<std::uint64_t>(d);
  }
  return value;
}

word word_from_u64(std::uint64_t value) {
  word out{};
  for (int i = 0; i < 8; ++i) out[31 - i] = static_cast<std::uint8_t>(value >> (8 * i));
  return out;
}

result<std::uint64_t> u64_from_word(const word& value) {
  if (std::any_of(value.begin(), value.begin() + 24, [](std::uint8_t b) { return b != 0; })) {
    return make_error(error_code::too_large, "uint256 " + to_hex_0x(value) + " exceeds 64 bits");
  }
  std::uint64_t out = 0;
  for (int i = 24; i < 32; ++i) out = out << 8 | value[i];
  return out;
}

address address_from_word(const word& value) {
  address out{};
  std::copy(value.begin() + 12, value.end(), out.begin());
  return out;
}

word word_from_address(const address& value) {
  word out{};
  std::copy(value.begin(), value.end(), out.begin() + 12);
  return out;
}

}  // namespace infergrid::chain

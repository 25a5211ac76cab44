#include "actors/settlement/chain/rlp.hpp"

#include <algorithm>

namespace infergrid::chain {
namespace {

// The prefix of a payload of `length` bytes: short_base + length up to 55 bytes, else
// long_base + (bytes of the length) followed by the length big-endian.
bytes length_prefix(std::size_t length, std::uint8_t short_base, std::uint8_t long_base) {
  if (length <= 55) return {static_cast<std::uint8_t>(short_base + length)};
  bytes length_bytes;
  for (std::size_t rest = length; rest != 0; rest >>= 8) length_bytes.insert(length_bytes.begin(), rest & 0xff);
  bytes out{static_cast<std::uint8_t>(long_base + length_bytes.size())};
  out.insert(out.end(), length_bytes.begin(), length_bytes.end());
  return out;
}

}  // namespace

bytes rlp_string(std::span<const std::uint8_t> data) {
  if (data.size() == 1 && data[0] < 0x80) return {data[0]};
  bytes out = length_prefix(data.size(), 0x80, 0xb7);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

bytes rlp_uint(std::uint64_t value) {
  const word big_endian = word_from_u64(value);
  return rlp_uint_bytes(big_endian);
}

bytes rlp_uint_bytes(std::span<const std::uint8_t> big_endian) {
  const auto first = std::find_if(big_endian.begin(), big_endian.end(), [](std::uint8_t b) { return b != 0; });
  return rlp_string(std::span(first, big_endian.end()));
}

bytes rlp_list(const std::vector<bytes>& encoded_items) {
  std::size_t payload = 0;
  for (const bytes& item : encoded_items) payload += item.size();
  bytes out = length_prefix(payload, 0xc0, 0xf7);
  out.reserve(out.size() + payload);
  for (const bytes& item : encoded_items) out.insert(out.end(), item.begin(), item.end());
  return out;
}

}  // namespace infergrid::chain

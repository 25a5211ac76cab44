#include "runtime/ip_prefix.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace infergrid {
namespace {

constexpr int address_bits = 128;
constexpr int v4_bits = 32;
constexpr int v4_mapped_bits = address_bits - v4_bits;  // ::ffff:0:0/96
constexpr std::array<std::uint8_t, 12> v4_mapped_head = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

ip_address v4_mapped(const void* four_bytes) {
  ip_address out;
  std::copy(v4_mapped_head.begin(), v4_mapped_head.end(), out.bytes.begin());
  std::memcpy(out.bytes.data() + v4_mapped_head.size(), four_bytes, 4);
  return out;
}

ip_address masked(ip_address address, int length_bits) {
  for (int bit = length_bits; bit < address_bits; ++bit) address.bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
  return address;
}

}  // namespace

std::optional<ip_address> ip_address::parse(std::string_view text) {
  const std::string zero_terminated(text);
  std::array<std::uint8_t, 16> bytes{};
  if (::inet_pton(AF_INET, zero_terminated.c_str(), bytes.data()) == 1) return v4_mapped(bytes.data());
  if (::inet_pton(AF_INET6, zero_terminated.c_str(), bytes.data()) == 1) return ip_address{bytes};
  return std::nullopt;
}

std::optional<ip_address> ip_address::of(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET) return v4_mapped(&reinterpret_cast<const sockaddr_in&>(address).sin_addr);
  if (address.ss_family != AF_INET6) return std::nullopt;
  ip_address out;
  std::memcpy(out.bytes.data(), &reinterpret_cast<const sockaddr_in6&>(address).sin6_addr, out.bytes.size());
  return out;
}

bool ip_address::is_v4() const { return std::equal(v4_mapped_head.begin(), v4_mapped_head.end(), bytes.begin()); }

std::string ip_address::text() const {
  std::array<char, INET6_ADDRSTRLEN> out{};
  const bool v4 = is_v4();
  const void* from = v4 ? bytes.data() + v4_mapped_head.size() : bytes.data();
  if (::inet_ntop(v4 ? AF_INET : AF_INET6, from, out.data(), out.size()) == nullptr) return "?";
  return out.data();
}

result<ip_prefix> ip_prefix::parse(std::string_view text) {
  const auto slash = text.find('/');
  const auto address = ip_address::parse(text.substr(0, slash));
  const std::string quoted = "'" + std::string(text) + "'";
  if (!address) return make_error(error_code::invalid_argument, quoted + " is not a numeric IPv4 or IPv6 address, nor one with a /prefix length");
  const bool v4 = address->is_v4() && text.substr(0, slash).find(':') == std::string_view::npos;
  const int max_bits = v4 ? v4_bits : address_bits;
  int length = max_bits;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    const auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (digits.empty() || parsed.ec != std::errc{} || parsed.ptr != digits.data() + digits.size() || length < 0 || length > max_bits) {
      return make_error(error_code::invalid_argument,
                        quoted + ": the prefix length must be 0-" + std::to_string(max_bits) + (v4 ? " for IPv4" : " for IPv6"));
    }
  }
  const ip_prefix out = of(*address, v4 ? length + v4_mapped_bits : length);
  if (out.first != *address) {
    return make_error(error_code::invalid_argument, quoted + " has bits set past its /" + std::to_string(length) +
                                                        " (did you mean " + out.text() + "?)");
  }
  return out;
}

ip_prefix ip_prefix::of(const ip_address& address, int length_bits) {
  return ip_prefix{masked(address, std::clamp(length_bits, 0, address_bits)), std::clamp(length_bits, 0, address_bits)};
}

bool ip_prefix::contains(const ip_address& address) const { return masked(address, length_bits) == first; }

std::string ip_prefix::text() const {
  if (length_bits == address_bits) return first.text();
  const bool v4 = length_bits >= v4_mapped_bits && first.is_v4();
  return first.text() + "/" + std::to_string(v4 ? length_bits - v4_mapped_bits : length_bits);
}

}  // namespace infergrid

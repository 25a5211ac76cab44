#pragma once
// ip_prefix: an IPv4 or IPv6 address range as a config names it ("10.0.0.0/8", "fd00::/8", or one
// address, "127.0.0.1" = /32, "::1" = /128), and the address of a tcp client it may hold.
// IPv4 is kept as its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so an IPv4 client of a dual-stack
// `[::]` port, which the kernel names ::ffff:10.1.2.3, is the same address as 10.1.2.3 and falls in
// 10.0.0.0/8; `::ffff:10.0.0.0/104` is the same range as 10.0.0.0/8.
#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sys/socket.h>

#include "runtime/result.hpp"

namespace infergrid {

struct ip_address {
  std::array<std::uint8_t, 16> bytes{};  // IPv6, network order; IPv4 as ::ffff:a.b.c.d

  // A numeric address (inet_pton's forms), or nullopt.
  static std::optional<ip_address> parse(std::string_view text);
  // The address of an AF_INET or AF_INET6 socket address, or nullopt.
  static std::optional<ip_address> of(const sockaddr_storage& address);
  bool is_v4() const;
  // inet_ntop's form; an IPv4 address (mapped or not) as a.b.c.d.
  std::string text() const;
  auto operator<=>(const ip_address&) const = default;
};

struct ip_prefix {
  ip_address first;    // host bits zero
  int length_bits = 0;  // over the 128-bit form: an IPv4 /8 is 104

  // "address" or "address/length" (IPv4 length 0-32, IPv6 0-128). Refused with the reason: not a
  // numeric address, a bad length, or bits set past the length ("10.1.0.0/8": did you mean 10.0.0.0/8?).
  static result<ip_prefix> parse(std::string_view text);
  // The first `length_bits` of `address`.
  static ip_prefix of(const ip_address& address, int length_bits);
  bool contains(const ip_address& address) const;
  // "10.0.0.0/8", "fd00::/8"; one address without a length ("127.0.0.1", "::1").
  std::string text() const;
  auto operator<=>(const ip_prefix&) const = default;
};

}  // namespace infergrid

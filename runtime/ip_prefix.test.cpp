// ip_prefix: address ranges as a config names them (security.connection_cap_exempt), and what
// they contain — IPv4 and its IPv4-mapped IPv6 form alike.
#include "runtime/ip_prefix.hpp"

#include <gtest/gtest.h>

namespace infergrid {
namespace {

ip_address address(const char* text) { return ip_address::parse(text).value(); }

std::string error_of(const char* text) {
  auto parsed = ip_prefix::parse(text);
  EXPECT_FALSE(parsed.ok()) << text << " parsed as " << (parsed.ok() ? parsed->text() : "");
  return parsed.ok() ? "" : parsed.err().message;
}

TEST(ip_prefix, ranges_contain_their_addresses_and_no_others) {
  const ip_prefix ten = ip_prefix::parse("10.0.0.0/8").value();
  EXPECT_TRUE(ten.contains(address("10.255.1.2")));
  EXPECT_FALSE(ten.contains(address("11.0.0.0")));
  EXPECT_FALSE(ten.contains(address("::a00:1"))) << "an IPv4-compatible IPv6 address is not IPv4";
  const ip_prefix ula = ip_prefix::parse("fd00::/8").value();
  EXPECT_TRUE(ula.contains(address("fd12:3456::1")));
  EXPECT_FALSE(ula.contains(address("fe80::1")));
  const ip_prefix odd = ip_prefix::parse("192.168.1.128/25").value();
  EXPECT_TRUE(odd.contains(address("192.168.1.200")));
  EXPECT_FALSE(odd.contains(address("192.168.1.127")));
  EXPECT_TRUE(ip_prefix::parse("0.0.0.0/0").value().contains(address("203.0.113.9")));
  EXPECT_FALSE(ip_prefix::parse("0.0.0.0/0").value().contains(address("2001:db8::1"))) << "all of IPv4, no IPv6";
  EXPECT_TRUE(ip_prefix::parse("::/0").value().contains(address("2001:db8::1")));
}

TEST(ip_prefix, one_address_is_a_full_length_range) {
  const ip_prefix one = ip_prefix::parse("127.0.0.1").value();
  EXPECT_TRUE(one.contains(address("127.0.0.1")));
  EXPECT_FALSE(one.contains(address("127.0.0.2")));
  EXPECT_EQ(one, ip_prefix::parse("127.0.0.1/32").value());
  EXPECT_EQ(ip_prefix::parse("0:0::0001").value().text(), "::1");
  EXPECT_EQ(ip_prefix::parse("FD00::2/128").value().text(), "fd00::2");
}

// A dual-stack `[::]` port names an IPv4 client ::ffff:a.b.c.d: the same client as a.b.c.d.
TEST(ip_prefix, ipv4_mapped_ipv6_is_ipv4) {
  EXPECT_EQ(address("::ffff:10.1.2.3"), address("10.1.2.3"));
  EXPECT_TRUE(address("::ffff:10.1.2.3").is_v4());
  EXPECT_EQ(address("::ffff:10.1.2.3").text(), "10.1.2.3");
  EXPECT_TRUE(ip_prefix::parse("10.0.0.0/8").value().contains(address("::ffff:10.1.2.3")));
  EXPECT_EQ(ip_prefix::parse("::ffff:10.0.0.0/104").value(), ip_prefix::parse("10.0.0.0/8").value());
  EXPECT_EQ(ip_prefix::parse("::ffff:10.0.0.0/104").value().text(), "10.0.0.0/8");
}

TEST(ip_prefix, malformed_entries_say_what_is_wrong) {
  EXPECT_EQ(error_of("localhost"), "'localhost' is not a numeric IPv4 or IPv6 address, nor one with a /prefix length");
  EXPECT_NE(error_of("10.0.0/8").find("is not a numeric"), std::string::npos);
  EXPECT_EQ(error_of("10.0.0.0/33"), "'10.0.0.0/33': the prefix length must be 0-32 for IPv4");
  EXPECT_EQ(error_of("fd00::/129"), "'fd00::/129': the prefix length must be 0-128 for IPv6");
  EXPECT_NE(error_of("10.0.0.0/").find("prefix length"), std::string::npos);
  EXPECT_NE(error_of("10.0.0.0/8x").find("prefix length"), std::string::npos);
  EXPECT_NE(error_of("10.0.0.0/-1").find("prefix length"), std::string::npos);
  EXPECT_NE(error_of("10.0.0.0/ 8").find("prefix length"), std::string::npos);
  EXPECT_EQ(error_of("10.1.2.3/8"), "'10.1.2.3/8' has bits set past its /8 (did you mean 10.0.0.0/8?)");
  EXPECT_EQ(error_of("2001:db8::1/64"), "'2001:db8::1/64' has bits set past its /64 (did you mean 2001:db8::/64?)");
}

}  // namespace
}  // namespace infergrid

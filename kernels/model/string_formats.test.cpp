// string_formats: each supported `format` compiles, and its pattern accepts the documented shapes
// and refuses near misses.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernels/model/regex_dfa.hpp"
#include "kernels/model/string_formats.hpp"

namespace infergrid::model {
namespace {

std::vector<std::uint32_t> ascii(const std::string& text) { return {text.begin(), text.end()}; }

struct format_case {
  std::string format;
  std::vector<std::string> valid;
  std::vector<std::string> invalid;
};

const std::vector<format_case> cases = {
    {"date", {"2024-02-29", "1999-12-31", "0000-01-01"}, {"2024-13-01", "2024-00-10", "2024-01-32", "24-01-01", "2024-1-01", "2024-01-01T00:00:00Z", " 2024-01-01"}},
    {"time", {"23:59:60Z", "00:00:00z", "12:30:45.123+02:00", "08:15:00-11:30", "10:00:00.123456789Z"},
     {"24:00:00Z", "12:60:00Z", "12:30:45", "12:30Z", "12:30:45.Z", "12:30:45+2:00", "10:00:00.1234567890Z"}},
    {"date-time", {"2024-02-29T12:30:45Z", "2024-02-29t12:30:45.5+01:00"}, {"2024-02-29 12:30:45Z", "2024-02-29T12:30:45", "2024-02-29"}},
    {"duration", {"P1Y", "P1Y2M3D", "P2M", "P3D", "PT4H", "PT4H5M6S", "PT5M", "PT6S", "P1DT2H", "P2W", "P10Y10M"},
     {"P", "PT", "P1H", "P1D2M", "P1W2D", "PT1D", "P1.5Y", "1Y", "P1YT"}},
    {"email", {"a@b.co", "first.last+tag@mail.example.org", "x_y-z@a-b.c"}, {"a@b", "@b.co", "a@.co", "a..b@c.d", "a@b-.co", "a b@c.d", ".a@b.co"}},
    {"hostname", {"localhost", "example.com", "a-b.c1.d", "x"}, {"-a.com", "a-.com", "a..b", "", "a_b.com", "a.com."}},
    {"ipv4", {"0.0.0.0", "255.255.255.255", "192.168.1.10"}, {"256.0.0.1", "01.2.3.4", "1.2.3", "1.2.3.4.5", "1.2.3.-4"}},
    {"ipv6", {"::", "::1", "2001:db8::8a2e:370:7334", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "fe80::", "1::2:3"},
     {"1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", ":1", "g::", "1:2:3:4:5:6:7"}},
    {"uuid", {"123e4567-e89b-12d3-a456-426614174000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"},
     {"123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400", "{123e4567-e89b-12d3-a456-426614174000}"}},
};

TEST(string_formats, each_format_accepts_its_documented_shape) {
  for (const format_case& c : cases) {
    const auto pattern = format_pattern(c.format);
    ASSERT_TRUE(pattern.has_value()) << c.format;
    auto dfa = compile_regex(*pattern);
    ASSERT_TRUE(dfa.ok()) << c.format << ": " << dfa.err().message;
    for (const std::string& text : c.valid) EXPECT_TRUE(dfa->matches(ascii(text))) << c.format << " should accept " << text;
    for (const std::string& text : c.invalid) EXPECT_FALSE(dfa->matches(ascii(text))) << c.format << " should refuse " << text;
  }
}

TEST(string_formats, names_only_the_supported_formats) {
  EXPECT_EQ(supported_format_names(), "date-time, date, time, duration, email, hostname, ipv4, ipv6, uuid");
  EXPECT_FALSE(format_pattern("uri").has_value());
  EXPECT_FALSE(format_pattern("Date").has_value());
}

}  // namespace
}  // namespace infergrid::model

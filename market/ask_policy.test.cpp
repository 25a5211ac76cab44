#include "market/ask_policy.hpp"

#include <gtest/gtest.h>

namespace infergrid::market {
namespace {

__extension__ typedef unsigned __int128 wide;

TEST(ask_policy, busy_counts_running_and_queued_against_twice_the_slots) {
  EXPECT_EQ(busy_permille(0, 0, 8), 0u);
  EXPECT_EQ(busy_permille(4, 0, 8), 250u);
  EXPECT_EQ(busy_permille(8, 0, 8), 500u);
  EXPECT_EQ(busy_permille(8, 8, 8), 1000u);
  EXPECT_EQ(busy_permille(8, 100, 8), 1000u);  // capped
  EXPECT_EQ(busy_permille(0, 0, 0), 1000u);    // no slots: saturated
}

TEST(ask_policy, ask_rises_from_the_floor_to_the_ceiling_and_never_leaves_the_bounds) {
  const ask_bounds bounds{200, 800};
  EXPECT_EQ(utilisation_ask_micro(bounds, 0), 200u);
  EXPECT_EQ(utilisation_ask_micro(bounds, 500), 500u);
  EXPECT_EQ(utilisation_ask_micro(bounds, 1000), 800u);
  EXPECT_EQ(utilisation_ask_micro(bounds, 5000), 800u);
  std::uint64_t previous = 0;
  for (std::uint32_t busy = 0; busy <= 1000; ++busy) {
    const std::uint64_t ask = utilisation_ask_micro(bounds, busy);
    EXPECT_GE(ask, previous);  // monotone
    EXPECT_EQ(ask, 200 + 600 * busy / 1000);
    previous = ask;
  }
}

TEST(ask_policy, rounding_is_exact_for_spans_whose_product_would_overflow) {
  const ask_bounds huge{1, (1ULL << 62) + 7};
  const std::uint64_t span = (1ULL << 62) + 6;
  EXPECT_EQ(utilisation_ask_micro(huge, 333), 1 + static_cast<std::uint64_t>(static_cast<wide>(span) * 333 / 1000));
  EXPECT_EQ(utilisation_ask_micro({5, 5}, 700), 5u);
}

TEST(ask_policy, a_ceiling_under_the_floor_is_refused_by_name) {
  auto bad = validate_ask_bounds({300, 200}, "price_completion");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.err().code, error_code::invalid_argument);
  EXPECT_NE(bad.err().message.find("price_completion"), std::string::npos);
  EXPECT_TRUE(validate_ask_bounds({200, 200}, "x").ok());
}

}  // namespace
}  // namespace infergrid::market

#include "actors/http_bridge/model_pricing.hpp"

#include <gtest/gtest.h>

namespace infergrid::http {
namespace {

TEST(model_pricing, micro_per_1k_tokens_become_openrouter_per_token_strings) {
  EXPECT_EQ(price_per_token(200), "0.0000002");
  EXPECT_EQ(price_per_token(150), "0.00000015");
  EXPECT_EQ(price_per_token(1), "0.000000001");
  EXPECT_EQ(price_per_token(1'000'000'000), "1");
  EXPECT_EQ(price_per_token(2'500'000'000), "2.5");
  EXPECT_EQ(price_per_token(0), "0");
  EXPECT_EQ(price_per_token(-3), "0");
}

TEST(model_pricing, pricing_is_the_median_ask_and_the_index_carries_the_rest) {
  price_index_view prices{90, 100, 110, 180, 200, 220, 101, 203, 64};
  const auto pricing = pricing_json(prices);
  EXPECT_EQ(pricing["prompt"], "0.0000001");
  EXPECT_EQ(pricing["completion"], "0.0000002");
  const auto index = price_index_json(prices);
  EXPECT_EQ(index["ask_completion"]["p90"], 220);
  EXPECT_EQ(index["cleared"]["jobs"], 64);
}

}  // namespace
}  // namespace infergrid::http

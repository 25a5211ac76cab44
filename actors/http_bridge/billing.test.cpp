#include "actors/http_bridge/billing.hpp"

#include <gtest/gtest.h>

#include "actors/http_bridge/account_book.hpp"
#include "actors/http_bridge/bridge_metrics.hpp"

namespace infergrid::http {
namespace {

TEST(Billing, MaxCostRoundsUpAndCoversCharge) {
  http_bridge_config config;
  config.prompt_price_micro_per_1k = 100;
  config.completion_price_micro_per_1k = 200;
  EXPECT_EQ(max_cost_micro(config, 1000, 1000), 300);
  EXPECT_EQ(max_cost_micro(config, 1, 1), 2);  // 0.1 + 0.2, each rounded up
  EXPECT_EQ(prompt_tokens_upper_bound("abc"), 5);
  for (std::int64_t delivered = 0; delivered <= 64; ++delivered) {
    EXPECT_LE(charge_micro(config, 7, delivered), max_cost_micro(config, 7, 64));
  }
}

TEST(Billing, MeterSettlesOnceWithDeliveredTokens) {
  http_bridge_config config;
  auto book = account_book::parse("accounts:\n  - name: a\n    keys: [k]\n    balance_micro: 1000\n", "k.yaml");
  ASSERT_TRUE(book.ok());
  bridge_metrics metrics;
  ASSERT_TRUE(book->reserve("a", 500).ok());
  job_meter meter{"a", "a/1", 500, false, 10, 1000};
  meter.settle(config, *book, metrics);
  meter.settle(config, *book, metrics);
  EXPECT_EQ(book->view("a")->usage.requests, 1);
  EXPECT_EQ(book->view("a")->balance_micro, 1000 - charge_micro(config, 10, 1000));
  EXPECT_NE(metrics.render({}).find("infergrid_http_tokens_total{type=\"completion\"} 1000"), std::string::npos);
}

TEST(Billing, LedgerPaidRequestCountsUsageAtTheLedgersRuleAndLeavesTheBalance) {
  http_bridge_config config;  // 100 / 200 micro per 1k
  auto book = account_book::parse("accounts:\n  - name: a\n    keys: [k]\n    account: a-ledger\n", "k.yaml");
  ASSERT_TRUE(book.ok());
  bridge_metrics metrics;
  job_meter meter{"a", "a/1", 0, true, 7, 9};
  meter.settle(config, *book, metrics);
  EXPECT_EQ(ledger_charge_micro(config, 7, 9), (7 * 100 + 9 * 200) / 1000);  // rounded down, as receipts settle
  EXPECT_EQ(book->view("a")->balance_micro, 0);
  EXPECT_EQ(book->view("a")->usage.spent_micro, 2);
  const auto keys = book->keys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].id, "a/1");
  EXPECT_EQ(keys[0].usage.requests, 1);
  EXPECT_EQ(keys[0].usage.prompt_tokens, 7);
  EXPECT_EQ(keys[0].usage.completion_tokens, 9);
  EXPECT_EQ(keys[0].usage.spent_micro, 2);
}

}  // namespace
}  // namespace infergrid::http

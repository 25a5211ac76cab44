#include "actors/http_bridge/billing.hpp"

#include <gtest/gtest.h>

#include "actors/http_bridge/account_book.hpp"
#include "actors/http_bridge/bridge_metrics.hpp"

namespace infergrid::http {
namespace {

TEST(Billing, MaxCostRoundsUpAndCoversCharge) {
  const job_price caps{100, 200};
  EXPECT_EQ(max_cost_micro(caps, 1000, 1000), 300);
  EXPECT_EQ(max_cost_micro(caps, 1, 1), 2);  // 0.1 + 0.2, each rounded up
  EXPECT_EQ(prompt_tokens_upper_bound("abc"), 5);
  for (std::int64_t delivered = 0; delivered <= 64; ++delivered) {
    EXPECT_LE(charge_micro(charged_price(caps, job_price{150, 50}), 7, delivered), max_cost_micro(caps, 7, 64));
  }
}

TEST(Billing, CapsAreTheRequestsMaxPriceElseTheBridgesDefaults) {
  http_bridge_config config;
  config.prompt_price_micro_per_1k = 400;
  config.completion_price_micro_per_1k = 800;
  completion_request request;
  EXPECT_EQ(request_price_caps(config, request), (job_price{400, 800}));
  request.provider.max_price_completion = 0.25;  // USD per million tokens = 250 micro per 1k
  EXPECT_EQ(request_price_caps(config, request), (job_price{400, 250}));
  request.provider.max_price_prompt = 2;  // a cap above the default is the request's to set
  EXPECT_EQ(request_price_caps(config, request), (job_price{2000, 250}));
}

TEST(Billing, AJobIsChargedTheWorkersPriceEachCapped) {
  const job_price caps{400, 800};
  EXPECT_EQ(charged_price(caps, std::nullopt), caps);
  EXPECT_EQ(charged_price(caps, job_price{100, 200}), (job_price{100, 200}));
  EXPECT_EQ(charged_price(caps, job_price{500, 200}), (job_price{400, 200}));
  EXPECT_EQ(charged_price(caps, job_price{-5, 900}), (job_price{0, 800}));
}

TEST(Billing, MeterSettlesOnceWithDeliveredTokensAtTheWorkersPrice) {
  auto book = account_book::parse("accounts:\n  - name: a\n    keys: [k]\n    balance_micro: 1000\n", "k.yaml");
  ASSERT_TRUE(book.ok());
  bridge_metrics metrics;
  ASSERT_TRUE(book->reserve("a", 500).ok());
  job_meter meter{"a", "a/1", 500, false, 10, 1000, false, {400, 800}, job_price{100, 200}};
  meter.settle(*book, metrics);
  meter.settle(*book, metrics);
  EXPECT_EQ(book->view("a")->usage.requests, 1);
  EXPECT_EQ(book->view("a")->balance_micro, 1000 - charge_micro(job_price{100, 200}, 10, 1000));
  EXPECT_NE(metrics.render({}).find("infergrid_http_tokens_total{type=\"completion\"} 1000"), std::string::npos);
}

TEST(Billing, LedgerPaidRequestCountsUsageAtTheLedgersRuleAndLeavesTheBalance) {
  auto book = account_book::parse("accounts:\n  - name: a\n    keys: [k]\n    account: a-ledger\n", "k.yaml");
  ASSERT_TRUE(book.ok());
  bridge_metrics metrics;
  job_meter meter{"a", "a/1", 0, true, 7, 9, false, {400, 800}, job_price{100, 200}};
  meter.settle(*book, metrics);
  EXPECT_EQ(ledger_charge_micro(job_price{100, 200}, 7, 9), (7 * 100 + 9 * 200) / 1000);  // rounded down, as receipts settle
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

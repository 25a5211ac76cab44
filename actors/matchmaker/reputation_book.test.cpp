// reputation_book: neutral start, passes raise and failures lower it, a quorum of distinct
// validators convicts once, a conviction puts the miner under the routing floor, and it recovers
// with the half-life, slowly.
#include "actors/matchmaker/reputation_book.hpp"

#include <gtest/gtest.h>

namespace infergrid::matchmaker {
namespace {

using std::chrono::milliseconds;

TEST(reputation_book, starts_neutral_rises_with_passes_falls_with_failures) {
  reputation_book book({});
  const auto t0 = reputation_book::clock::now();
  EXPECT_EQ(book.permille("m", t0), 500u);
  for (int i = 0; i < 6; ++i) book.record_pass("m", t0);
  EXPECT_EQ(book.permille("m", t0), 800u);  // 8 / (8 + 2)
  EXPECT_FALSE(book.record_failure("m", "r1", "v1", t0));
  EXPECT_EQ(book.permille("m", t0), 571u);  // 8 / (8 + 6)
  EXPECT_FALSE(book.record_failure("m", "r1", "v1", t0)) << "the same validator counts once";
  EXPECT_EQ(book.permille("m", t0), 571u);
  EXPECT_TRUE(book.routable("m", t0));
}

TEST(reputation_book, a_quorum_convicts_once_and_the_miner_recovers_slowly) {
  reputation_config config;
  config.conviction_quorum = 2;
  config.recovery_half_life_ms = 1000;
  reputation_book book(config);
  const auto t0 = reputation_book::clock::now();
  EXPECT_FALSE(book.record_failure("m", "r1", "v1", t0));
  EXPECT_TRUE(book.record_failure("m", "r1", "v2", t0));
  EXPECT_FALSE(book.record_failure("m", "r1", "v3", t0)) << "a receipt convicts once";
  EXPECT_EQ(book.convictions("m"), 1u);
  EXPECT_FALSE(book.routable("m", t0));
  EXPECT_LT(book.permille("m", t0), 50u);
  EXPECT_FALSE(book.routable("m", t0 + milliseconds(2000)));
  EXPECT_TRUE(book.routable("m", t0 + milliseconds(6000)));
  EXPECT_LT(book.permille("m", t0 + milliseconds(6000)), 500u);
  EXPECT_EQ(book.permille("m", t0 + milliseconds(60000)), 500u);
  EXPECT_EQ(book.permille("other", t0), 500u) << "judging one miner leaves the others alone";
}

TEST(reputation_book, votes_on_other_miners_of_a_request_never_convict_this_one) {
  reputation_config config;
  config.conviction_quorum = 2;
  reputation_book book(config);
  const auto t0 = reputation_book::clock::now();
  // An honest guilty vote on the cheater's receipt, then a validator's vote naming another miner
  // of the same request: two votes on one request id, but on two receipts.
  EXPECT_FALSE(book.record_failure("cheater", "r1", "v1", t0));
  EXPECT_FALSE(book.record_failure("victim", "r1", "v2", t0)) << "a vote on another receipt completed a quorum";
  EXPECT_EQ(book.convictions("victim"), 0u);
  EXPECT_TRUE(book.record_failure("cheater", "r1", "v3", t0)) << "the cheater's receipt has its own quorum";
  EXPECT_EQ(book.convictions("cheater"), 1u);
}

TEST(reputation_book, a_bad_receipt_counts_as_a_failed_audit) {
  reputation_book book({});
  const auto t0 = reputation_book::clock::now();
  book.record_bad_receipt("m", t0);
  EXPECT_EQ(book.permille("m", t0), 250u);  // 2 / (2 + 6)
}

}  // namespace
}  // namespace infergrid::matchmaker

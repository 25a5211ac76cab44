// The dashboard's view messages (grid_view_*, ledger_view_*): every struct round-trips with
// non-default values and decodes from an older (shorter) encoding with defaults.
#include <gtest/gtest.h>

#include "messages/ledger_view.hpp"
#include "messages/match.hpp"
#include "messages/message_test_support.hpp"

namespace infergrid {
namespace {

using testing::decode_older;
using testing::round_trip;

TEST(view_messages, grid_view_round_trips) {
  grid_view_report report;
  worker_view w{"ab", "n/w", {model_offer{"m", "ff", 512, "F32", 99.5, 100, 200}}, 8, 6, 2, 1, 2, 16, 640, 12.5, 1,
                777, 5, 1000, 20, 33.5};
  report.workers = {w};
  report.models = {model_supply{"m", 1, 8, 6, 2, 0, 250, 7, 1, 200}};
  report.queued = 3;
  report.jobs_in_flight = 4;
  report.completed = 9;
  report.convictions = 1;
  report.validators = 3;
  report.recent_jobs = {job_view{"r1", "m", "ab", 1700000000000, true, 5, 16, "length", 2, 1, true}};
  const auto back = round_trip(report);
  ASSERT_EQ(back.workers.size(), 1u);
  EXPECT_EQ(back.workers[0].tokens_generated, 777u);
  EXPECT_DOUBLE_EQ(back.workers[0].first_token_ms_ewma, 12.5);
  EXPECT_DOUBLE_EQ(back.workers[0].first_token_ms_measured, 33.5);
  EXPECT_EQ(back.workers[0].models[0].name, "m");
  ASSERT_EQ(back.recent_jobs.size(), 1u);
  EXPECT_EQ(back.recent_jobs[0].guilty_verdicts, 1u);
  EXPECT_TRUE(back.recent_jobs[0].escalated);
  EXPECT_EQ(back.validators, 3u);
  EXPECT_EQ(round_trip(grid_view_query{7}).recent_jobs, 7u);
}

TEST(view_messages, ledger_view_round_trips) {
  ledger_view_report report;
  report.epoch = 2;
  report.last_seq = 40;
  report.last_hash = {1, 2, 3};
  report.accounts = {account_view{"miner-a", 1, 10, 20, 30, 0, 0, 512}};
  report.entries = {ledger_entry_summary{40, "settle/r1", "local/matchmaker#9", "settle", {{"miner-a", 0, 10}}, false, {9}}};
  report.verified_entries = 20;
  report.verify_error = "entry 3: bad hash";
  report.epochs = {epoch_root_view{1, 30, {7, 7}}};
  report.early_participant_multiplier_percent = 150;
  report.account_data_withheld = true;
  const auto back = round_trip(report);
  EXPECT_TRUE(back.account_data_withheld);
  EXPECT_EQ(back.accounts[0].epoch_tokens, 512);
  EXPECT_EQ(back.entries[0].postings[0].delta_micro, 10);
  EXPECT_EQ(back.verify_error, "entry 3: bad hash");
  EXPECT_EQ(back.epochs[0].last_seq, 30u);
  EXPECT_EQ(back.early_participant_multiplier_percent, 150);
  EXPECT_EQ(round_trip(ledger_view_query{5}).recent_entries, 5u);
}

TEST(view_messages, epoch_earnings_round_trip) {
  ledger_view_report report;
  report.earnings = {epoch_earnings_view{4, 31, 60, false, {miner_epoch_earnings{"miner-a", 21, 3, 500}}}};
  report.unbonding_epochs = 2;
  const auto back = round_trip(report);
  EXPECT_EQ(back.unbonding_epochs, 2);
  ASSERT_EQ(back.earnings.size(), 1u);
  EXPECT_EQ(back.earnings[0].epoch, 4);
  EXPECT_EQ(back.earnings[0].first_seq, 31u);
  EXPECT_FALSE(back.earnings[0].complete);
  EXPECT_EQ(back.earnings[0].miners[0].paid_receipts, 3u);
  EXPECT_EQ(back.earnings[0].miners[0].rewards_micro, 500);
  EXPECT_EQ(round_trip(ledger_view_query{5, 8}).earnings_epochs, 8u);
}

TEST(view_messages, older_views_decode_with_defaults) {
  EXPECT_TRUE(decode_older<grid_view_report>(std::vector<worker_view>{}).recent_jobs.empty());
  EXPECT_EQ(decode_older<worker_view>(std::string{"ab"}).worker_id, "ab");
  EXPECT_EQ(decode_older<worker_view>(std::string{"ab"}).first_token_ms_measured, 0.0);
  EXPECT_EQ(decode_older<ledger_view_report>(std::int64_t{3}).verified_entries, 0u);
  EXPECT_EQ(decode_older<ledger_view_report>(std::int64_t{3}).epoch, 3);
  EXPECT_TRUE(decode_older<ledger_view_report>(std::int64_t{3}).earnings.empty());
  EXPECT_EQ(decode_older<ledger_view_query>(std::uint32_t{7}).earnings_epochs, 0u);
  EXPECT_EQ(decode_older<ledger_view_query>(std::uint32_t{7}).recent_entries, 7u);
}

}  // namespace
}  // namespace infergrid

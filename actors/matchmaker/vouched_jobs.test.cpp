// vouched_jobs: a receipt waits for its bridge's word; a bridge that falls silent or forgets a job
// loses it, settled for what it had received when it last named the job.
#include "actors/matchmaker/vouched_jobs.hpp"

#include <gtest/gtest.h>

namespace infergrid::matchmaker {
namespace {

inference_request vouched_request(const std::string& id, bool client_streamed = true) {
  inference_request request;
  request.request_id = id;
  request.stream = true;
  request.whole_answer_to_client = !client_streamed;
  request.submitter_check_ms = 500;
  return request;
}

settle_receipt claim_of(const std::string& id, std::int64_t tokens) {
  settle_receipt claim;
  claim.request_id = id;
  claim.miner = "w1";
  claim.completion_tokens = tokens;
  claim.partial = true;
  return claim;
}

constexpr std::int64_t deadline_ms = 60'000;  // each request's, on the node's steady clock

vouched_jobs::settlement receipt_for(const std::string& id) {
  vouched_jobs::settlement pending;
  pending.receipt.request_id = id;
  pending.receipt.worker_id = "w1";
  return pending;
}

held_requests_query query(std::vector<std::string> held, std::vector<std::string> delivered, bool names_all = true) {
  return held_requests_query{std::move(held), std::move(delivered), names_all};
}

// What forwarded_work would answer: `tokens` forwarded so far for every request.
vouched_jobs::claims_lookup forwarded(std::int64_t tokens) {
  return [tokens](const std::string& id) { return std::vector<settle_receipt>{claim_of(id, tokens)}; };
}

TEST(vouched_jobs, a_receipt_waits_until_its_bridge_names_the_job_delivered) {
  vouched_jobs jobs(10'000);
  jobs.submitted(vouched_request("r1"), "bridge", 0, deadline_ms);
  jobs.finished("r1");
  ASSERT_TRUE(jobs.watches("r1"));
  jobs.park(receipt_for("r1"));
  auto before = jobs.on_query("bridge", query({"r1"}, {}), 100, forwarded(5));  // the last chunk had not reached it
  EXPECT_TRUE(before.vouched.empty());
  EXPECT_TRUE(before.lost.empty());
  auto after = jobs.on_query("bridge", query({}, {"r1"}), 200, forwarded(5));
  ASSERT_EQ(after.vouched.size(), 1u);
  EXPECT_EQ(after.vouched[0].receipt.request_id, "r1");
  EXPECT_FALSE(jobs.watches("r1"));  // a receipt coming after the word passes at once
}

TEST(vouched_jobs, a_job_named_delivered_before_its_receipt_came_is_no_longer_watched) {
  vouched_jobs jobs(10'000);
  jobs.submitted(vouched_request("r1"), "bridge", 0, deadline_ms);
  jobs.finished("r1");
  auto word = jobs.on_query("bridge", query({}, {"r1"}), 100, forwarded(5));
  EXPECT_TRUE(word.vouched.empty());
  EXPECT_FALSE(jobs.watches("r1"));
}

TEST(vouched_jobs, a_silent_bridge_loses_its_jobs_for_what_it_had_received_when_it_last_named_them) {
  vouched_jobs jobs(10'000);
  jobs.submitted(vouched_request("r1"), "bridge", 0, deadline_ms);
  jobs.submitted(vouched_request("r2", false), "bridge", 0, deadline_ms);  // a whole answer
  jobs.submitted(vouched_request("r3"), "other", 0, deadline_ms);
  (void)jobs.on_query("bridge", query({"r1", "r2"}, {}), 2'000, forwarded(7));
  (void)jobs.on_query("other", query({"r3"}, {}), 11'000, forwarded(9));
  EXPECT_TRUE(jobs.silent(11'999).lost.empty());  // not yet 10 s since it was heard
  auto lost = jobs.silent(12'000).lost;
  ASSERT_EQ(lost.size(), 2u);
  EXPECT_EQ(lost[0].request_id, "r1");
  EXPECT_TRUE(lost[0].running);
  ASSERT_EQ(lost[0].delivered_claims.size(), 1u);
  EXPECT_EQ(lost[0].delivered_claims[0].completion_tokens, 7);  // as of the last query, not the receipt
  EXPECT_NE(lost[0].why.find("not been heard from for 10 s"), std::string::npos) << lost[0].why;
  EXPECT_EQ(lost[1].request_id, "r2");
  EXPECT_TRUE(lost[1].running);
  EXPECT_TRUE(lost[1].delivered_claims.empty()) << "a whole answer never delivered pays nothing";
  EXPECT_TRUE(jobs.watches("r3"));
  EXPECT_TRUE(jobs.silent(100'000).lost.size() == 1u);  // r3's bridge, silent since 11 s
}

// A bridge frozen for a while, or restarted on its owed_journal, may have received a finished job
// whole and say so late: the receipt waits for that word until the request's deadline and then
// settles whole — for a whole answer as for a stream — and is not refunded.
TEST(vouched_jobs, a_job_finished_when_its_bridge_fell_silent_is_paid_whole_when_the_bridge_names_it_delivered_late) {
  vouched_jobs jobs(10'000);
  jobs.submitted(vouched_request("whole", false), "bridge", 0, deadline_ms);
  jobs.submitted(vouched_request("running"), "bridge", 0, deadline_ms);
  jobs.finished("whole");
  jobs.park(receipt_for("whole"));
  auto silence = jobs.silent(10'000);
  ASSERT_EQ(silence.lost.size(), 1u);
  EXPECT_EQ(silence.lost[0].request_id, "running");  // not finished: its worker is stopped, as before
  ASSERT_EQ(silence.awaited.size(), 1u);
  EXPECT_EQ(silence.awaited[0].request_id, "whole");
  EXPECT_EQ(silence.awaited[0].deadline_ms, deadline_ms);
  EXPECT_NE(silence.awaited[0].why.find("not been heard from for 10 s"), std::string::npos) << silence.awaited[0].why;
  EXPECT_TRUE(jobs.watches("whole"));
  const auto later = jobs.silent(30'000);
  EXPECT_TRUE(later.lost.empty());
  EXPECT_TRUE(later.awaited.empty()) << "awaited once, not at every tick";
  auto word = jobs.on_query("bridge", query({}, {"whole"}), 31'000, forwarded(0));
  ASSERT_EQ(word.vouched.size(), 1u);
  EXPECT_EQ(word.vouched[0].receipt.request_id, "whole");
  EXPECT_TRUE(word.lost.empty());
  EXPECT_FALSE(jobs.watches("whole"));
  EXPECT_TRUE(jobs.silent(deadline_ms).lost.empty()) << "settled by its receipt: never refunded too";
}

TEST(vouched_jobs, a_finished_job_its_silent_bridge_never_names_delivered_is_lost_at_its_deadline_once) {
  vouched_jobs jobs(10'000);
  jobs.submitted(vouched_request("whole", false), "bridge", 0, deadline_ms);
  jobs.finished("whole");
  jobs.park(receipt_for("whole"));
  ASSERT_EQ(jobs.silent(10'000).awaited.size(), 1u);
  EXPECT_TRUE(jobs.silent(deadline_ms - 1).lost.empty());
  auto lost = jobs.silent(deadline_ms).lost;
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0].request_id, "whole");
  EXPECT_FALSE(lost[0].running);
  EXPECT_TRUE(lost[0].delivered_claims.empty()) << "a whole answer never named delivered pays nothing";
  EXPECT_NE(lost[0].why.find("bridge did not name it delivered by its deadline"), std::string::npos) << lost[0].why;
  auto late = jobs.on_query("bridge", query({}, {"whole"}), deadline_ms + 1, forwarded(0));
  EXPECT_TRUE(late.vouched.empty()) << "refunded already: never paid too";
  EXPECT_TRUE(jobs.silent(deadline_ms * 10).lost.empty());
}

TEST(vouched_jobs, an_awaited_job_a_restarted_bridge_names_in_neither_list_is_lost_at_once) {
  vouched_jobs jobs(10'000);
  jobs.submitted(vouched_request("r1"), "bridge", 0, deadline_ms);
  (void)jobs.on_query("bridge", query({"r1"}, {}), 100, forwarded(4));
  jobs.finished("r1");
  ASSERT_EQ(jobs.silent(10'100).awaited.size(), 1u);
  auto restarted = jobs.on_query("bridge", query({}, {}), 12'000, forwarded(9));
  ASSERT_EQ(restarted.lost.size(), 1u);
  EXPECT_EQ(restarted.lost[0].request_id, "r1");
  ASSERT_EQ(restarted.lost[0].delivered_claims.size(), 1u);
  EXPECT_EQ(restarted.lost[0].delivered_claims[0].completion_tokens, 4);  // as of the last time it was named
  EXPECT_TRUE(jobs.silent(deadline_ms).lost.empty());
}

TEST(vouched_jobs, a_finished_job_past_its_deadline_when_its_bridge_is_found_silent_is_lost_at_once) {
  vouched_jobs jobs(10'000);
  jobs.submitted(vouched_request("r1"), "bridge", 0, 5'000);
  jobs.finished("r1");
  auto silence = jobs.silent(10'000);
  EXPECT_EQ(silence.lost.size(), 1u);
  EXPECT_TRUE(silence.awaited.empty());
}

TEST(vouched_jobs, a_job_never_named_since_it_was_submitted_is_lost_with_no_claim) {
  vouched_jobs jobs(10'000);
  jobs.submitted(vouched_request("r1"), "bridge", 0, deadline_ms);
  auto lost = jobs.silent(10'000).lost;
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_TRUE(lost[0].delivered_claims.empty());
}

TEST(vouched_jobs, a_restarted_bridge_that_names_neither_list_lost_the_job_unless_its_lists_are_cut_short) {
  vouched_jobs jobs(10'000);
  jobs.submitted(vouched_request("old"), "bridge", 0, deadline_ms);
  (void)jobs.on_query("bridge", query({"old"}, {}), 100, forwarded(3));
  jobs.submitted(vouched_request("new"), "bridge", 200, deadline_ms);
  auto cut_short = jobs.on_query("bridge", query({"new"}, {}, false), 300, forwarded(4));
  EXPECT_TRUE(cut_short.lost.empty()) << "a query that does not name every job proves nothing";
  auto restarted = jobs.on_query("bridge", query({"new"}, {}), 400, forwarded(4));
  ASSERT_EQ(restarted.lost.size(), 1u);
  EXPECT_EQ(restarted.lost[0].request_id, "old");
  ASSERT_EQ(restarted.lost[0].delivered_claims.size(), 1u);
  EXPECT_EQ(restarted.lost[0].delivered_claims[0].completion_tokens, 3);
  EXPECT_TRUE(jobs.watches("new"));
}

TEST(vouched_jobs, a_job_its_restarted_bridge_disowns_is_lost_at_once_with_the_claims_of_its_last_check) {
  vouched_jobs jobs(10'000);
  jobs.submitted(vouched_request("r1"), "bridge", 0, deadline_ms);
  (void)jobs.on_query("bridge", query({"r1"}, {}), 100, forwarded(3));
  EXPECT_FALSE(jobs.disowned("stranger", "r1")) << "only its own submitter disowns a job";
  EXPECT_FALSE(jobs.disowned("bridge", "never-here"));
  auto lost = jobs.disowned("bridge", "r1");
  ASSERT_TRUE(lost);
  EXPECT_TRUE(lost->running);
  ASSERT_EQ(lost->delivered_claims.size(), 1u);
  EXPECT_EQ(lost->delivered_claims[0].completion_tokens, 3);
  EXPECT_FALSE(jobs.watches("r1"));
  EXPECT_FALSE(jobs.disowned("bridge", "r1")) << "lost once";
}

TEST(vouched_jobs, another_submitter_cannot_vouch_for_or_lose_a_job) {
  vouched_jobs jobs(10'000);
  jobs.submitted(vouched_request("r1"), "bridge", 0, deadline_ms);
  jobs.finished("r1");
  jobs.park(receipt_for("r1"));
  jobs.submitted(vouched_request("x"), "stranger", 0, deadline_ms);
  auto stranger = jobs.on_query("stranger", query({"x"}, {"r1"}), 100, forwarded(5));
  EXPECT_TRUE(stranger.vouched.empty());
  EXPECT_TRUE(stranger.lost.empty());
  EXPECT_TRUE(jobs.watches("r1"));
}

TEST(vouched_jobs, requests_that_do_not_vouch_and_jobs_forgotten_are_not_watched) {
  vouched_jobs jobs(10'000);
  inference_request plain = vouched_request("plain");
  plain.submitter_check_ms = 0;  // a gateway's REQ client
  jobs.submitted(plain, "gateway", 0, deadline_ms);
  EXPECT_FALSE(jobs.watches("plain"));
  jobs.submitted(vouched_request("cancelled"), "bridge", 0, deadline_ms);
  jobs.forget("cancelled");
  EXPECT_FALSE(jobs.watches("cancelled"));
  EXPECT_TRUE(jobs.silent(1'000'000).lost.empty());
}

TEST(vouched_jobs, the_matchmakers_own_pause_is_not_the_bridges_silence) {
  vouched_jobs jobs(10'000);
  jobs.submitted(vouched_request("r1"), "bridge", 0, deadline_ms);
  jobs.resumed(60'000);
  EXPECT_TRUE(jobs.silent(60'000).lost.empty());
  EXPECT_EQ(jobs.silent(70'000).lost.size(), 1u);
}

TEST(vouched_jobs, a_bridge_checking_rarely_gets_three_of_its_intervals) {
  vouched_jobs jobs(1'000);
  inference_request slow = vouched_request("r1");
  slow.submitter_check_ms = 2'000;
  jobs.submitted(slow, "bridge", 0, deadline_ms);
  EXPECT_TRUE(jobs.silent(5'999).lost.empty());
  EXPECT_EQ(jobs.silent(6'000).lost.size(), 1u);
}

TEST(vouched_jobs, a_stopping_matchmaker_takes_the_parked_receipts_out) {
  vouched_jobs jobs(10'000);
  jobs.submitted(vouched_request("r1"), "bridge", 0, deadline_ms);
  jobs.submitted(vouched_request("r2"), "bridge", 0, deadline_ms);
  jobs.finished("r1");
  jobs.park(receipt_for("r1"));
  auto parked = jobs.take_parked();
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].receipt.request_id, "r1");
  EXPECT_TRUE(jobs.take_parked().empty());
}

// Stopping, the matchmaker loses a silent bridge's finished jobs as at their deadline (claims as of
// the bridge's last word paid, the rest refunded) before it sends the receipts a bridge not silent
// has yet to vouch for: the awaited job's receipt is not among those.
TEST(vouched_jobs, a_stopping_matchmaker_loses_the_jobs_awaiting_a_silent_bridge_and_sends_only_the_others_receipts) {
  vouched_jobs jobs(10'000);
  jobs.submitted(vouched_request("awaited"), "frozen", 0, deadline_ms);
  (void)jobs.on_query("frozen", query({"awaited"}, {}), 100, forwarded(4));
  jobs.finished("awaited");
  jobs.park(receipt_for("awaited"));
  ASSERT_EQ(jobs.silent(10'100).awaited.size(), 1u);
  jobs.submitted(vouched_request("heard"), "alive", 10'100, deadline_ms);
  jobs.finished("heard");
  jobs.park(receipt_for("heard"));
  // What a matchmaker journals in place of the awaited job's receipt: the same as stopping settles.
  const auto if_stopped = jobs.lost_if_stopped("awaited");
  ASSERT_TRUE(if_stopped.has_value());
  ASSERT_EQ(if_stopped->delivered_claims.size(), 1u);
  EXPECT_EQ(if_stopped->delivered_claims[0].completion_tokens, 4);
  EXPECT_TRUE(jobs.watches("awaited")) << "kept: the word may yet come";
  EXPECT_FALSE(jobs.lost_if_stopped("heard").has_value()) << "its bridge is heard: its receipt is journaled";
  auto lost = jobs.take_awaited();
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0].request_id, "awaited");
  EXPECT_FALSE(lost[0].running);
  ASSERT_EQ(lost[0].delivered_claims.size(), 1u);
  EXPECT_EQ(lost[0].delivered_claims[0].completion_tokens, 4);  // as of the last time it was named
  EXPECT_NE(lost[0].why.find("frozen fell silent and did not name it delivered before the matchmaker stopped"),
            std::string::npos) << lost[0].why;
  EXPECT_EQ(lost[0].why, if_stopped->why);
  EXPECT_TRUE(jobs.take_awaited().empty());
  auto parked = jobs.take_parked();
  ASSERT_EQ(parked.size(), 1u) << "the lost job's receipt is sent too: paid and refunded";
  EXPECT_EQ(parked[0].receipt.request_id, "heard");
}

TEST(vouched_jobs, at_most_max_jobs_are_watched) {
  vouched_jobs jobs(10'000, 2);
  jobs.submitted(vouched_request("a"), "bridge", 0, deadline_ms);
  jobs.submitted(vouched_request("b"), "bridge", 0, deadline_ms);
  jobs.submitted(vouched_request("c"), "bridge", 0, deadline_ms);
  EXPECT_EQ(jobs.size(), 2u);
  EXPECT_FALSE(jobs.watches("c"));
}

}  // namespace
}  // namespace infergrid::matchmaker

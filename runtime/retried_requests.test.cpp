#include "runtime/retried_requests.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace infergrid {
namespace {

// A far side that holds each attempt until the test answers it.
struct fake_far_side {
  struct sent {
    std::string what;
    retried_requests::answer answer;
  };
  std::vector<sent> unanswered;
  std::vector<std::string> sends;  // every attempt, in order

  retried_requests::attempt attempt(std::string what) {
    return [this, what](retried_requests::answer answer) {
      sends.push_back(what);
      unanswered.push_back({what, std::move(answer)});
    };
  }
  void answer_first(status outcome) {
    ASSERT_FALSE(unanswered.empty());
    sent first = std::move(unanswered.front());
    unanswered.erase(unanswered.begin());
    first.answer(outcome);
  }
};

struct retried_requests_test : ::testing::Test {
  std::int64_t now = 1000;
  fake_far_side far;
  std::vector<std::string> finished;
  std::vector<std::string> failures;
  retried_requests requests{retried_requests_settings{2000, 4}, [this] { return now; },
                            [this](const std::string& key, const error& why, std::uint32_t tries) {
                              failures.push_back(key + "#" + std::to_string(tries) + ":" + why.message);
                            }};

  void add(const std::string& key, const std::string& what) {
    ASSERT_TRUE(requests.add(key, far.attempt(what), [this, what](const status& s) {
      finished.push_back(what + (s.ok() ? ":ok" : ":" + s.err().message));
    }).ok());
  }
};

TEST_F(retried_requests_test, a_timed_out_request_is_sent_again_after_retry_ms_until_answered) {
  add("r1", "receipt");
  far.answer_first(make_error(error_code::timeout, "no answer"));
  requests.retry_due();
  EXPECT_EQ(far.sends.size(), 1u) << "sent again before retry_ms passed";
  now += 2000;
  requests.retry_due();
  ASSERT_EQ(far.sends.size(), 2u);
  far.answer_first(make_error(error_code::unavailable, "down"));
  now += 2000;
  requests.retry_due();
  far.answer_first({});
  EXPECT_EQ(far.sends, (std::vector<std::string>{"receipt", "receipt", "receipt"}));
  EXPECT_EQ(finished, (std::vector<std::string>{"receipt:ok"}));
  EXPECT_EQ(failures, (std::vector<std::string>{"r1#1:no answer", "r1#2:down"}));
  EXPECT_EQ(requests.held(), 0u);
  EXPECT_EQ(requests.retries(), 2u);
}

TEST_F(retried_requests_test, a_refusal_ends_the_request_without_another_try) {
  add("r1", "refund");
  far.answer_first(make_error(error_code::conflict, "already settled"));
  now += 10000;
  requests.retry_due();
  EXPECT_EQ(far.sends.size(), 1u);
  EXPECT_EQ(finished, (std::vector<std::string>{"refund:already settled"}));
  EXPECT_TRUE(failures.empty()) << "a refusal is not a passing failure";
  EXPECT_EQ(requests.held(), 0u);
}

TEST_F(retried_requests_test, one_keys_requests_go_one_at_a_time_in_order_and_other_keys_do_not_wait) {
  add("r1", "claim-a");
  add("r1", "receipt");
  add("r2", "refund");
  EXPECT_EQ(far.sends, (std::vector<std::string>{"claim-a", "refund"})) << "the receipt went before the claim was answered";
  far.answer_first(make_error(error_code::timeout, "no answer"));  // claim-a
  now += 2000;
  requests.retry_due();
  EXPECT_EQ(far.sends.back(), "claim-a") << "the retry must be the claim, still ahead of the receipt";
  far.answer_first({});  // refund
  far.answer_first({});  // claim-a, again: now the receipt goes
  EXPECT_EQ(far.sends.back(), "receipt");
  far.answer_first({});
  EXPECT_EQ(finished, (std::vector<std::string>{"refund:ok", "claim-a:ok", "receipt:ok"}));
  EXPECT_EQ(failures, (std::vector<std::string>{"r1#1:no answer"}));
}

TEST_F(retried_requests_test, an_attempt_answered_before_it_returns_is_handled) {
  std::vector<std::string> sent;
  auto at_once = [&sent](std::string what, status outcome) {
    return [&sent, what, outcome](retried_requests::answer answer) {
      sent.push_back(what);
      answer(outcome);
    };
  };
  ASSERT_TRUE(requests.add("r1", at_once("a", make_error(error_code::unavailable, "no route")), nullptr).ok());
  ASSERT_TRUE(requests.add("r1", at_once("b", {}), nullptr).ok());
  EXPECT_EQ(sent, (std::vector<std::string>{"a"}));
  EXPECT_EQ(requests.held(), 2u);
  now += 2000;
  requests.retry_due();  // "a" fails again at once
  EXPECT_EQ(sent, (std::vector<std::string>{"a", "a"}));
  EXPECT_EQ(requests.held(), 2u);
}

TEST_F(retried_requests_test, a_late_answer_to_an_earlier_attempt_is_ignored) {
  add("r1", "receipt");
  retried_requests::answer first = std::move(far.unanswered.front().answer);
  far.unanswered.clear();
  first(make_error(error_code::timeout, "no answer"));
  now += 2000;
  requests.retry_due();
  first({});  // the first attempt's answer again: not the attempt in flight
  EXPECT_TRUE(finished.empty());
  far.answer_first({});
  EXPECT_EQ(finished, (std::vector<std::string>{"receipt:ok"}));
}

TEST_F(retried_requests_test, beyond_max_held_a_request_is_refused_and_nothing_is_sent) {
  for (int i = 0; i < 4; ++i) add("r" + std::to_string(i), "x");
  const status refused = requests.add("r9", far.attempt("y"), nullptr);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.err().code, error_code::too_large);
  EXPECT_EQ(far.sends.size(), 4u);
  far.answer_first({});
  EXPECT_TRUE(requests.add("r9", far.attempt("y"), nullptr).ok()) << "a freed place is taken again";
}

TEST(retried_requests_passing, only_timeouts_unavailability_and_io_errors_are_tried_again) {
  EXPECT_TRUE(retried_requests::passing(make_error(error_code::timeout, "")));
  EXPECT_TRUE(retried_requests::passing(make_error(error_code::unavailable, "")));
  EXPECT_TRUE(retried_requests::passing(make_error(error_code::io_error, "")));
  EXPECT_FALSE(retried_requests::passing(make_error(error_code::conflict, "")));
  EXPECT_FALSE(retried_requests::passing(make_error(error_code::bad_signature, "")));
  EXPECT_FALSE(retried_requests::passing(make_error(error_code::not_found, "")));
}

}  // namespace
}  // namespace infergrid

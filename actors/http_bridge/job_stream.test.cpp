#include "actors/http_bridge/job_stream.hpp"

#include <thread>

#include <gtest/gtest.h>

#include "actors/http_bridge/bridge_inbox.hpp"

namespace infergrid::http {
namespace {

using std::chrono::milliseconds;

TEST(JobStream, OneWakeTellsAWaiterOfAnEventOnAnyOfItsJobs) {
  auto wake = std::make_shared<job_wake>();
  job_stream first("r1", wake), second("r2", wake);
  const auto seen = wake->generation();
  std::thread producer([&] { second.push({job_event::kind::text, "x", 1}); });
  wake->wait_past(seen, milliseconds(5000));
  producer.join();
  EXPECT_NE(wake->generation(), seen);
  EXPECT_FALSE(first.wait_next(milliseconds(0)).has_value());
  auto event = second.wait_next(milliseconds(0));
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->text, "x");
  const auto now = wake->generation();
  const auto before = std::chrono::steady_clock::now();
  wake->wait_past(now, milliseconds(20));  // nothing pushed: waits the whole slice
  EXPECT_GE(std::chrono::steady_clock::now() - before, milliseconds(20));
}

TEST(JobStream, DeliversInOrderAcrossThreadsAndIgnoresAfterEnd) {
  job_stream job("r1");
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i) job.push({job_event::kind::text, std::to_string(i), 1});
    job.push({job_event::kind::finished, "", 0, "stop"});
    job.push({job_event::kind::text, "late", 1});
  });
  for (int i = 0; i < 100; ++i) {
    auto event = job.wait_next(milliseconds(5000));
    ASSERT_TRUE(event.has_value());
    EXPECT_EQ(event->text, std::to_string(i));
  }
  auto last = job.wait_next(milliseconds(5000));
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->what, job_event::kind::finished);
  producer.join();
  EXPECT_FALSE(job.wait_next(milliseconds(1)).has_value());
  EXPECT_TRUE(job.ended());
}

TEST(JobStream, AbandonIsVisible) {
  job_stream job("r2");
  EXPECT_FALSE(job.abandoned());
  job.mark_abandoned();
  EXPECT_TRUE(job.abandoned());
}

TEST(BridgeInbox, BoundedForSubmitsNotForCancels) {
  bridge_inbox inbox(2);
  auto job = std::make_shared<job_stream>("r");
  EXPECT_TRUE(inbox.push({bridge_command::kind::submit, job, {}, "a"}));
  EXPECT_TRUE(inbox.push({bridge_command::kind::submit, job, {}, "b"}));
  EXPECT_FALSE(inbox.push({bridge_command::kind::submit, job, {}, "c"}));
  EXPECT_TRUE(inbox.push({bridge_command::kind::cancel, job, {}, ""}));
  EXPECT_TRUE(inbox.pending());
  EXPECT_EQ(inbox.size(), 3);
  auto taken = inbox.take(2);
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0].prompt, "a");
  EXPECT_EQ(inbox.take(10).size(), 1u);
  EXPECT_FALSE(inbox.pending());
}

}  // namespace
}  // namespace infergrid::http

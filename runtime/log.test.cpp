// log: batched lines (the access log) are held, then written in the order they were logged.
#include "runtime/log.hpp"
#include "runtime/log_level_name.hpp"

#include <string>

#include <gtest/gtest.h>

namespace infergrid {
namespace {

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// INFERGRID_LOG and --log-level read the same names.
TEST(Log, LevelsAreNamedOnce) {
  EXPECT_EQ(log_level_named("debug"), log_level::debug);
  EXPECT_EQ(log_level_named("info"), log_level::info);
  EXPECT_EQ(log_level_named("warn"), log_level::warn);
  EXPECT_EQ(log_level_named("error"), log_level::error);
  EXPECT_EQ(log_level_named("loud"), std::nullopt);
  EXPECT_EQ(log_level_names(), (std::vector<std::string>{"debug", "info", "warn", "error"}));
}

TEST(Log, BatchedLinesWaitForAFlushThenComeOutWhole) {
  flush_batched_log();
  testing::internal::CaptureStderr();
  log_line_batched(log_level::info, "test", "first held");
  log_line_batched(log_level::info, "test", "second held");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  testing::internal::CaptureStderr();
  flush_batched_log();
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_NE(out.find("info  test: first held\n"), std::string::npos) << out;
  EXPECT_LT(out.find("first held"), out.find("second held")) << out;
  testing::internal::CaptureStderr();
  flush_batched_log();  // nothing held: nothing written twice
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

// INFERGRID_LOG=warn (set_log_level) leaves out info lines, batched ones (the access log) too.
TEST(Log, ALevelBelowTheProcessLevelIsLeftOutBatchedOrNot) {
  flush_batched_log();
  set_log_level(log_level::warn);
  testing::internal::CaptureStderr();
  log_line_batched(log_level::info, "test", "batched info");
  log_line(log_level::info, "test", "immediate info");
  log_line_batched(log_level::warn, "test", "batched warn");
  flush_batched_log();
  const std::string out = testing::internal::GetCapturedStderr();
  set_log_level(log_level::info);
  EXPECT_EQ(out.find("info"), std::string::npos) << out;
  EXPECT_NE(out.find("warn  test: batched warn\n"), std::string::npos) << out;
}

TEST(Log, AnImmediateLineWritesTheHeldLinesFirst) {
  flush_batched_log();
  testing::internal::CaptureStderr();
  log_line_batched(log_level::info, "test", "logged first");
  log_line(log_level::warn, "test", "logged second");
  const std::string out = testing::internal::GetCapturedStderr();
  ASSERT_NE(out.find("logged first"), std::string::npos) << out;
  EXPECT_LT(out.find("logged first"), out.find("logged second")) << out;
}

TEST(Log, ThirtyTwoKibibytesHeldAreWrittenWithoutWaitingForTheTimer) {
  flush_batched_log();
  testing::internal::CaptureStderr();
  const std::string text(100, 'x');
  for (int i = 0; i < 400; ++i) log_line_batched(log_level::info, "test", text);  // ~55 KiB with stamps
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_GT(count_of(out, text), 0u);
  EXPECT_LT(count_of(out, text), 400u);  // the rest waits for the flush
  testing::internal::CaptureStderr();
  flush_batched_log();
  EXPECT_EQ(count_of(out, text) + count_of(testing::internal::GetCapturedStderr(), text), 400u);
}

TEST(Log, ControlCharactersInABatchedLineAreEscapedLikeAnyOther) {
  flush_batched_log();
  testing::internal::CaptureStderr();
  log_line_batched(log_level::info, "test", "forged\nline");
  flush_batched_log();
  EXPECT_NE(testing::internal::GetCapturedStderr().find("forged\\x0aline\n"), std::string::npos);
}

}  // namespace
}  // namespace infergrid

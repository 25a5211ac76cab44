#include "actors/http_bridge/sse_writer.hpp"

#include <gtest/gtest.h>

namespace infergrid::http {
namespace {

TEST(SseWriter, OneDataLinePerEvent) {
  const auto event = sse_event({{"text", "two\nlines"}});
  EXPECT_EQ(event, "data: {\"text\":\"two\\nlines\"}\n\n");
  EXPECT_EQ(event.find('\n'), event.size() - 2);  // the newline inside the text is escaped
}

TEST(SseWriter, DoneMarker) { EXPECT_EQ(sse_done(), "data: [DONE]\n\n"); }

TEST(SseWriter, ErrorEventHasOpenAiShape) {
  const auto event = sse_error(api_error{502, "worker died", "api_error", "", "upstream"});
  ASSERT_EQ(event.rfind("data: ", 0), 0u);
  auto body = nlohmann::json::parse(event.substr(6));
  EXPECT_EQ(body["error"]["message"], "worker died");
  EXPECT_EQ(body["error"]["code"], "upstream");
  EXPECT_TRUE(body["error"]["param"].is_null());
}

TEST(SseWriter, InvalidUtf8IsReplacedNotThrown) {
  const std::string broken = "a\xff\xfe";
  std::string event;
  EXPECT_NO_THROW(event = sse_event({{"text", broken}}));
  EXPECT_NE(event.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD
}

}  // namespace
}  // namespace infergrid::http

#include "actors/http_bridge/openai_response.hpp"

#include <gtest/gtest.h>

namespace infergrid::http {
namespace {

const response_header header{"chatcmpl-1", 1700000000, "stories260k", "miner-a"};

TEST(Response, ChatCompletionHasOpenAiShape) {
  auto out = completion_json(endpoint_kind::chat, header, {"Hello", {}, "stop"}, false, {5, 2});
  EXPECT_EQ(out["object"], "chat.completion");
  EXPECT_EQ(out["id"], "chatcmpl-1");
  EXPECT_EQ(out["model"], "stories260k");
  EXPECT_EQ(out["system_fingerprint"], "miner:miner-a");
  EXPECT_EQ(out["miner"], "miner-a");
  ASSERT_EQ(out["choices"].size(), 1u);
  EXPECT_EQ(out["choices"][0]["message"]["role"], "assistant");
  EXPECT_EQ(out["choices"][0]["message"]["content"], "Hello");
  EXPECT_EQ(out["choices"][0]["finish_reason"], "stop");
  EXPECT_TRUE(out["choices"][0]["logprobs"].is_null());
  EXPECT_EQ(out["usage"]["prompt_tokens"], 5);
  EXPECT_EQ(out["usage"]["completion_tokens"], 2);
  EXPECT_EQ(out["usage"]["total_tokens"], 7);
}

TEST(Response, TextCompletionHasText) {
  auto out = completion_json(endpoint_kind::text, header, {"Once", {}, "length"}, false, {1, 1});
  EXPECT_EQ(out["object"], "text_completion");
  EXPECT_EQ(out["choices"][0]["text"], "Once");
  EXPECT_FALSE(out["choices"][0].contains("message"));
}

TEST(Response, ChunksCarryRoleFirstThenDeltas) {
  auto first = chunk_json(endpoint_kind::chat, header, {}, true, false, false);
  EXPECT_EQ(first["object"], "chat.completion.chunk");
  EXPECT_EQ(first["choices"][0]["delta"]["role"], "assistant");
  EXPECT_EQ(first["choices"][0]["delta"]["content"], "");
  EXPECT_FALSE(first.contains("usage"));
  auto next = chunk_json(endpoint_kind::chat, header, {"lo", {}, ""}, false, false, true);
  EXPECT_FALSE(next["choices"][0]["delta"].contains("role"));
  EXPECT_EQ(next["choices"][0]["delta"]["content"], "lo");
  EXPECT_TRUE(next["choices"][0]["finish_reason"].is_null());
  EXPECT_TRUE(next["usage"].is_null());
  auto last = chunk_json(endpoint_kind::chat, header, {"", {}, "length"}, false, false, false);
  EXPECT_EQ(last["choices"][0]["finish_reason"], "length");
  EXPECT_TRUE(last["choices"][0]["delta"].empty());
  auto usage = usage_chunk_json(endpoint_kind::chat, header, {3, 4});
  EXPECT_TRUE(usage["choices"].empty());
  EXPECT_EQ(usage["usage"]["total_tokens"], 7);
}

TEST(Response, LogprobsShapes) {
  completion_piece piece{"ab", {{"a", -0.5, {{"a", -0.5}, {"b", -1.0}}}, {"b", -0.25, {}}}, ""};
  auto chat = completion_json(endpoint_kind::chat, header, piece, true, {});
  auto& content = chat["choices"][0]["logprobs"]["content"];
  ASSERT_EQ(content.size(), 2u);
  EXPECT_EQ(content[0]["token"], "a");
  EXPECT_EQ(content[0]["bytes"], nlohmann::json::array({97}));
  EXPECT_EQ(content[0]["top_logprobs"].size(), 2u);
  auto text = completion_json(endpoint_kind::text, header, piece, true, {});
  EXPECT_EQ(text["choices"][0]["logprobs"]["tokens"], nlohmann::json::array({"a", "b"}));
  EXPECT_EQ(text["choices"][0]["logprobs"]["text_offset"], nlohmann::json::array({0, 1}));
}

TEST(Response, ModelList) {
  auto out = model_list_json({{"stories260k", "infergrid", 512, 2}}, 1700000000);
  EXPECT_EQ(out["object"], "list");
  ASSERT_EQ(out["data"].size(), 1u);
  EXPECT_EQ(out["data"][0]["id"], "stories260k");
  EXPECT_EQ(out["data"][0]["object"], "model");
  EXPECT_EQ(out["data"][0]["owned_by"], "infergrid");
  EXPECT_EQ(out["data"][0]["context_length"], 512);
}

}  // namespace
}  // namespace infergrid::http

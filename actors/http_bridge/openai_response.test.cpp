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
  EXPECT_EQ(out["usage"]["prompt_tokens_details"]["cached_tokens"], 0);
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

using json = nlohmann::json;

// " é" as a token " " + two byte tokens holding é's UTF-8 bytes, then "!" that was not the most likely.
completion_piece piece_with_logprobs() {
  return {" \xc3\xa9!",
          {{{5, " ", -0.5f}, {{5, " ", -0.5f}, {6, "x", -1.5f}}},
           {{7, "\xc3", -0.25f}, {{7, "\xc3", -0.25f}, {8, "y", -2.0f}}},
           {{9, "\xa9", -0.125f}, {{9, "\xa9", -0.125f}, {10, "z", -3.0f}}},
           {{11, "!", -2.0f}, {{12, "?", -1.0f}, {11, "!", -2.0f}}}},
          "stop"};
}

TEST(Response, ChatLogprobsHaveOpenAiShape) {
  auto chat = completion_json(endpoint_kind::chat, header, piece_with_logprobs(), true, {});
  const auto& logprobs = chat["choices"][0]["logprobs"];
  EXPECT_TRUE(logprobs["refusal"].is_null());
  const auto& content = logprobs["content"];
  ASSERT_EQ(content.size(), 4u);
  EXPECT_EQ(content[0], json::parse(R"({"token":" ","logprob":-0.5,"bytes":[32],
      "top_logprobs":[{"token":" ","logprob":-0.5,"bytes":[32]},{"token":"x","logprob":-1.5,"bytes":[120]}]})"));
  EXPECT_EQ(content[1]["bytes"], json::array({0xc3}));
  EXPECT_EQ(content[2]["bytes"], json::array({0xa9}));
  EXPECT_EQ(content[3]["token"], "!");
  EXPECT_EQ(content[3]["top_logprobs"][0]["token"], "?");
  // A part of a character still serialises (as U+FFFD), so a response never fails on it.
  const std::string body = chat.dump(-1, ' ', false, json::error_handler_t::replace);
  EXPECT_NE(body.find("\"bytes\":[195]"), std::string::npos) << body;
}

TEST(Response, TextLogprobsHaveLegacyShapeWithTheSampledTokenInTop) {
  auto text = completion_json(endpoint_kind::text, header, piece_with_logprobs(), true, {});
  const auto& logprobs = text["choices"][0]["logprobs"];
  EXPECT_EQ(logprobs["tokens"], json::array({" ", "\xc3", "\xa9", "!"}));
  EXPECT_EQ(logprobs["token_logprobs"], json::array({-0.5, -0.25, -0.125, -2.0}));
  // é is one character: the byte that continues it adds none.
  EXPECT_EQ(logprobs["text_offset"], json::array({0, 1, 2, 2}));
  EXPECT_EQ(logprobs["top_logprobs"][0], json::parse(R"({" ":-0.5,"x":-1.5})"));
  EXPECT_EQ(logprobs["top_logprobs"][3], json::parse(R"({"?":-1.0,"!":-2.0})"));
  EXPECT_EQ(token_text_characters(piece_with_logprobs().logprobs), 3);
}

TEST(Response, StreamedLogprobsContinueTheTextOffsetAndAreNullWhenNotAsked) {
  auto piece = piece_with_logprobs();
  piece.text_offset = 10;
  auto chunk = chunk_json(endpoint_kind::text, header, piece, false, true, false);
  EXPECT_EQ(chunk["choices"][0]["logprobs"]["text_offset"], json::array({10, 11, 12, 12}));
  auto chat_chunk = chunk_json(endpoint_kind::chat, header, piece, false, true, false);
  EXPECT_EQ(chat_chunk["choices"][0]["logprobs"]["content"].size(), 4u);
  EXPECT_TRUE(chunk_json(endpoint_kind::chat, header, piece, false, false, false)["choices"][0]["logprobs"].is_null());
  EXPECT_TRUE(completion_json(endpoint_kind::text, header, piece, false, {})["choices"][0]["logprobs"].is_null());
}

TEST(Response, ModelList) {
  served_model model{"stories260k", "infergrid", 512, 2};
  model.created_s = 1700000000;
  auto out = model_list_json({model});
  EXPECT_EQ(out["object"], "list");
  ASSERT_EQ(out["data"].size(), 1u);
  EXPECT_EQ(out["data"][0]["id"], "stories260k");
  EXPECT_EQ(out["data"][0]["object"], "model");
  EXPECT_EQ(out["data"][0]["owned_by"], "infergrid");
  EXPECT_EQ(out["data"][0]["context_length"], 512);
  EXPECT_EQ(out["data"][0]["created"], 1700000000);
}

}  // namespace
}  // namespace infergrid::http

namespace infergrid::http {
namespace {

TEST(Response, ToolCallsInTheMessageAndInStreamDeltas) {
    completion_piece answer{"", {}, "tool_calls"};
  answer.tool_calls = {{"call_a", "get_weather", R"({"city":"Paris"})"}};
  const auto whole = completion_json(endpoint_kind::chat, header, answer, false, {3, 9});
  const auto& message = whole["choices"][0]["message"];
  EXPECT_TRUE(message["content"].is_null());
  EXPECT_EQ(message["tool_calls"][0]["id"], "call_a");
  EXPECT_EQ(message["tool_calls"][0]["type"], "function");
  EXPECT_EQ(message["tool_calls"][0]["function"]["name"], "get_weather");
  EXPECT_EQ(message["tool_calls"][0]["function"]["arguments"], R"({"city":"Paris"})");
  EXPECT_FALSE(message["tool_calls"][0].contains("index"));
  EXPECT_EQ(whole["choices"][0]["finish_reason"], "tool_calls");
  completion_piece piece{"", {}, ""};
  piece.tool_calls = answer.tool_calls;
  piece.first_call_index = 2;
  const auto chunk = chunk_json(endpoint_kind::chat, header, piece, false, false, false);
  const auto& delta = chunk["choices"][0]["delta"];
  EXPECT_FALSE(delta.contains("content"));
  EXPECT_EQ(delta["tool_calls"][0]["index"], 2);
  EXPECT_EQ(delta["tool_calls"][0]["function"]["arguments"], R"({"city":"Paris"})");
  completion_piece text_too{"Sure.", {}, "stop"};
  text_too.tool_calls = answer.tool_calls;
  EXPECT_EQ(completion_json(endpoint_kind::chat, header, text_too, false, {1, 1})["choices"][0]["message"]["content"],
            "Sure.");
}

// OpenAI's stream of a call opens with {"role": "assistant", "content": null, "tool_calls": [...]};
// a stream of text opens with content "".
TEST(Response, AStreamOpeningWithACallHasNullContent) {
  completion_piece call{"", {}, ""};
  call.tool_calls = {{"call_a", "get_weather", R"({"city":"Paris"})"}};
  const auto opening = chunk_json(endpoint_kind::chat, header, call, true, false, false)["choices"][0]["delta"];
  EXPECT_EQ(opening["role"], "assistant");
  ASSERT_TRUE(opening.contains("content"));
  EXPECT_TRUE(opening["content"].is_null()) << opening;
  EXPECT_EQ(opening["tool_calls"][0]["function"]["name"], "get_weather");
  completion_piece forced{"", {}, "length"};  // a forced call cut before it was whole
  forced.call_expected = true;
  EXPECT_TRUE(chunk_json(endpoint_kind::chat, header, forced, true, false, false)["choices"][0]["delta"]["content"].is_null());
  const completion_piece text{"Hi", {}, ""};
  EXPECT_EQ(chunk_json(endpoint_kind::chat, header, text, true, false, false)["choices"][0]["delta"]["content"], "Hi");
}

TEST(Response, AForcedCallCutShortHasNullContent) {  // tool_choice required/named, finish_reason length
  completion_piece cut{"", {}, "length"};
  cut.call_expected = true;
  const auto whole = completion_json(endpoint_kind::chat, header, cut, false, {3, 9});
  const auto& message = whole["choices"][0]["message"];
  EXPECT_TRUE(message["content"].is_null());
  EXPECT_FALSE(message.contains("tool_calls"));
  const completion_piece plain{"", {}, "length"};  // no call asked for: an empty answer is ""
  EXPECT_EQ(completion_json(endpoint_kind::chat, header, plain, false, {3, 9})["choices"][0]["message"]["content"], "");
}

}  // namespace
}  // namespace infergrid::http

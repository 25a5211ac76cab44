#include "actors/http_bridge/responses_request.hpp"

#include <gtest/gtest.h>

#include "actors/http_bridge/response_store.hpp"
#include "actors/http_bridge/responses_response.hpp"

namespace infergrid::http {
namespace {

const request_limits limits{};

responses_request accepted(const std::string& body) {
  auto parsed = parse_responses_request(body, limits);
  if (auto* failure = std::get_if<api_error>(&parsed)) {
    ADD_FAILURE() << "unexpected error: " << failure->message << " (param " << failure->param << ")";
    return {};
  }
  return std::get<responses_request>(parsed);
}

api_error refused(const std::string& body) {
  auto parsed = parse_responses_request(body, limits);
  if (!std::holds_alternative<api_error>(parsed)) {
    ADD_FAILURE() << "accepted: " << body;
    return {};
  }
  return std::get<api_error>(parsed);
}

TEST(ResponsesRequest, AStringInputIsOneUserMessageAndTheDefaultsAreChats) {
  const auto request = accepted(R"({"model":"m","input":"Once upon a time"})");
  EXPECT_EQ(request.chat.kind, endpoint_kind::chat);
  EXPECT_EQ(request.chat.model, "m");
  ASSERT_EQ(request.chat.messages.size(), 1u);
  EXPECT_EQ(request.chat.messages[0].role, "user");
  EXPECT_EQ(request.chat.messages[0].content, "Once upon a time");
  EXPECT_EQ(request.chat.max_tokens, limits.default_max_tokens);
  EXPECT_EQ(request.chat.choices, 1);
  EXPECT_FALSE(request.chat.stream);
  EXPECT_FALSE(request.chat.logprobs);
  EXPECT_EQ(request.echo["store"], false);
  EXPECT_EQ(request.echo["tool_choice"], "auto");
  EXPECT_EQ(request.echo["text"]["format"]["type"], "text");
  EXPECT_TRUE(request.echo["instructions"].is_null());
}

TEST(ResponsesRequest, InstructionsAndItemsBecomeTheChatHistoryInOrder) {
  const auto request = accepted(R"({"model":"m","instructions":"Be brief.","max_output_tokens":9,"stream":true,
    "temperature":0.5,"top_p":0.9,"seed":7,"input":[
      {"role":"user","content":[{"type":"input_text","text":"What is "},{"type":"input_text","text":"the weather?"}]},
      {"type":"reasoning","id":"rs_1","summary":[]},
      {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Let me look."}]},
      {"type":"function_call","call_id":"call_a","name":"get_weather","arguments":"{\"city\":\"Oslo\"}"},
      {"type":"function_call","call_id":"call_b","name":"get_time","arguments":"{}"},
      {"type":"function_call_output","call_id":"call_a","output":"-3 C"},
      {"type":"function_call_output","call_id":"call_b","output":[{"type":"input_text","text":"noon"}]},
      {"role":"developer","content":"Answer in one line."}]})");
  const auto& messages = request.chat.messages;
  ASSERT_EQ(messages.size(), 6u);
  EXPECT_EQ(messages[0].role, "system");
  EXPECT_EQ(messages[0].content, "Be brief.");
  EXPECT_EQ(messages[1].content, "What is the weather?");
  // The reasoning item is dropped; the assistant's text and both calls are one turn.
  EXPECT_EQ(messages[2].role, "assistant");
  EXPECT_EQ(messages[2].content, "Let me look.");
  ASSERT_EQ(messages[2].tool_calls.size(), 2u);
  EXPECT_EQ(messages[2].tool_calls[0].id, "call_a");
  EXPECT_EQ(messages[2].tool_calls[0].name, "get_weather");
  EXPECT_EQ(messages[2].tool_calls[1].name, "get_time");
  EXPECT_EQ(messages[3].role, "tool");
  EXPECT_EQ(messages[3].tool_call_id, "call_a");
  EXPECT_EQ(messages[3].content, "-3 C");
  EXPECT_EQ(messages[4].content, "noon");
  EXPECT_EQ(messages[5].role, "system");  // developer
  EXPECT_EQ(request.chat.max_tokens, 9);
  EXPECT_TRUE(request.chat.stream);
  EXPECT_DOUBLE_EQ(request.chat.temperature, 0.5);
  EXPECT_EQ(request.chat.seed, 7u);
  EXPECT_EQ(request.echo["instructions"], "Be brief.");
  EXPECT_EQ(request.echo["max_output_tokens"], 9);
}

TEST(ResponsesRequest, FlatFunctionToolsKeepTheirSchemaAsWritten) {
  const auto request = accepted(R"({"model":"m","input":"hi","parallel_tool_calls":false,
    "tools":[{"type":"function","name":"pick","description":"Pick one","strict":true,
              "parameters":{"type":"object","properties":{"x":{"type":"number","maximum":0.1000000000000000000001}},
                            "required":["x"]}}],
    "tool_choice":{"type":"function","name":"pick"}})");
  const auto& tools = request.chat.tools;
  ASSERT_EQ(tools.definitions.size(), 1u);
  EXPECT_EQ(tools.definitions[0]["type"], "function");
  EXPECT_EQ(tools.definitions[0]["function"]["name"], "pick");
  EXPECT_EQ(tools.definitions[0]["function"]["description"], "Pick one");
  EXPECT_EQ(tools.choice, tool_choice::named);
  EXPECT_EQ(tools.named, "pick");
  EXPECT_FALSE(tools.parallel);
  // The bound reaches the constrained sampler as the client wrote it, not as a double.
  const auto schema = tools.parameters_of("pick");
  EXPECT_NE(model::dump_keeping_number_texts(schema.value, schema.texts).find("0.1000000000000000000001"),
            std::string::npos);
  EXPECT_EQ(request.echo["tools"][0]["name"], "pick");
}

TEST(ResponsesRequest, TextFormatIsResponseFormatWithTheSchemaAsWritten) {
  const auto request = accepted(R"({"model":"m","input":"hi","text":{"format":{"type":"json_schema","name":"n",
    "strict":true,"schema":{"type":"object","properties":{"a":{"type":"integer","minimum":12345678901234567890123}}}}}})");
  EXPECT_EQ(request.chat.output.format, "json_schema");
  EXPECT_NE(request.chat.output.schema.find("12345678901234567890123"), std::string::npos) << request.chat.output.schema;
  EXPECT_EQ(accepted(R"({"model":"m","input":"hi","text":{"format":{"type":"json_object"}}})").chat.output.format,
            "json_object");
  EXPECT_EQ(accepted(R"({"model":"m","input":"hi","text":{"format":{"type":"text"}}})").chat.output.format, "");
}

TEST(ResponsesRequest, LogprobsComeWithIncludeOrTopLogprobs) {
  const auto included = accepted(R"({"model":"m","input":"hi","include":["message.output_text.logprobs"]})");
  EXPECT_TRUE(included.chat.logprobs);
  EXPECT_EQ(included.chat.top_logprobs, 0);
  const auto top = accepted(R"({"model":"m","input":"hi","top_logprobs":3})");
  EXPECT_TRUE(top.chat.logprobs);
  EXPECT_EQ(top.chat.top_logprobs, 3);
  EXPECT_FALSE(accepted(R"({"model":"m","input":"hi","include":["reasoning.encrypted_content"]})").chat.logprobs);
}

TEST(ResponsesRequest, ReasoningEffortSwitchesThinking) {
  EXPECT_EQ(accepted(R"({"model":"m","input":"hi","reasoning":{"effort":"minimal"}})").chat.enable_thinking, false);
  EXPECT_EQ(accepted(R"({"model":"m","input":"hi","reasoning":{"effort":"high","summary":"auto"}})").chat.enable_thinking,
            true);
}

TEST(ResponsesRequest, ErrorsNameTheResponsesField) {
  struct refusal_case {
    const char* body;
    const char* param;
  };
  const refusal_case cases[] = {
      {R"({"model":"m"})", "input"},
      {R"({"input":"hi"})", "model"},
      {R"({"model":"m","input":[]})", "input"},
      {R"({"model":"m","input":"hi","max_output_tokens":0})", "max_output_tokens"},
      {R"({"model":"m","input":"hi","previous_response_id":"resp_1"})", "previous_response_id"},
      {R"({"model":"m","input":"hi","conversation":"conv_1"})", "conversation"},
      {R"({"model":"m","input":"hi","background":true})", "background"},
      {R"({"model":"m","input":"hi","truncation":"auto"})", "truncation"},
      {R"({"model":"m","input":"hi","tools":[{"type":"web_search"}]})", "tools[0].type"},
      {R"({"model":"m","input":"hi","tools":[{"type":"function"}]})", "tools[0].name"},
      {R"({"model":"m","input":"hi","tool_choice":{"type":"function"}})", "tool_choice.name"},
      {R"({"model":"m","input":"hi","text":{"format":{"type":"json_schema","name":"n"}}})", "text.format.schema"},
      {R"({"model":"m","input":"hi","text":{"format":{"type":"yaml"}}})", "text.format"},
      {R"({"model":"m","input":"hi","reasoning":{"effort":"extreme"}})", "reasoning.effort"},
      {R"({"model":"m","input":"hi","include":["everything"]})", "include[0]"},
      {R"({"model":"m","input":"hi","metadata":{"k":1}})", "metadata"},
      {R"({"model":"m","input":[{"role":"user","content":[{"type":"input_image","image_url":"x"}]}]})",
       "input[0].content[0]"},
      {R"({"model":"m","input":[{"role":"robot","content":"x"}]})", "input[0].role"},
      {R"({"model":"m","input":[{"type":"file_search_call","id":"x"}]})", "input[0].type"},
      {R"({"model":"m","input":["hi",{"type":"function_call","call_id":"c","name":"f","arguments":"{"}]})", "input[0]"},
      {R"({"model":"m","input":[{"role":"user","content":"x"},{"type":"function_call","call_id":"c","name":"f",
          "arguments":"[1]"}]})",
       "input[1].arguments"},
      {R"({"model":"m","input":[{"type":"function_call_output","call_id":"c"}]})", "input[0].output"},
  };
  for (const auto& test : cases) {
    const api_error failure = refused(test.body);
    EXPECT_EQ(failure.status, 400) << test.body;
    EXPECT_EQ(failure.param, test.param) << test.body << " -> " << failure.message;
    // The message names the field as the client wrote it, never chat's name for it.
    EXPECT_EQ(failure.message.find("messages["), std::string::npos) << failure.message;
    EXPECT_EQ(failure.message.find("max_tokens"), std::string::npos) << failure.message;
    EXPECT_EQ(failure.message.find("response_format"), std::string::npos) << failure.message;
  }
}

TEST(ResponsesRequest, APreviousResponsesConversationGoesBeforeTheInputAndInstructionsAreNotKept) {
  const previous_conversation previous = [](const std::string& id) -> std::variant<ordered_json, api_error> {
    if (id != "resp_1") return api_error{400, "gone", "invalid_request_error", "previous_response_id", "previous_response_not_found"};
    return ordered_json::parse(R"([{"role":"user","content":"Weather?"},{"role":"assistant","content":null,
      "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]}])");
  };
  const auto parsed = parse_responses_request(R"({"model":"m","instructions":"Be brief.","previous_response_id":"resp_1",
    "store":false,"input":[{"type":"function_call_output","call_id":"call_1","output":"sunny"}]})", limits, previous);
  ASSERT_TRUE(std::holds_alternative<responses_request>(parsed)) << std::get<api_error>(parsed).message;
  const auto& request = std::get<responses_request>(parsed);
  const auto& messages = request.chat.messages;
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_EQ(messages[0].role, "system");  // this request's instructions, first
  EXPECT_EQ(messages[1].content, "Weather?");
  EXPECT_EQ(messages[2].tool_calls.at(0).id, "call_1");
  EXPECT_EQ(messages[3].role, "tool");
  EXPECT_EQ(messages[3].content, "sunny");
  // What a continuation of this one would start from: no instructions.
  ASSERT_EQ(request.conversation.size(), 3u);
  EXPECT_EQ(request.conversation[0]["content"], "Weather?");
  EXPECT_FALSE(request.store);
  EXPECT_EQ(request.echo["previous_response_id"], "resp_1");
  auto unknown = parse_responses_request(R"({"model":"m","previous_response_id":"resp_2","input":"x"})", limits, previous);
  ASSERT_TRUE(std::holds_alternative<api_error>(unknown));
  EXPECT_EQ(std::get<api_error>(unknown).code, "previous_response_not_found");
  // A previous conversation and the input over the messages a request may hold: named 'input'.
  const previous_conversation long_one = [](const std::string&) -> std::variant<ordered_json, api_error> {
    ordered_json messages = ordered_json::array();
    for (std::size_t i = 0; i < limits.max_messages; ++i) messages.push_back({{"role", "user"}, {"content", "x"}});
    return messages;
  };
  auto too_long = parse_responses_request(R"({"model":"m","previous_response_id":"resp_1","input":"x"})", limits, long_one);
  ASSERT_TRUE(std::holds_alternative<api_error>(too_long));
  EXPECT_EQ(std::get<api_error>(too_long).param, "input");
  EXPECT_EQ(std::get<api_error>(too_long).message.find("messages"), std::string::npos) << std::get<api_error>(too_long).message;
  // A bridge that keeps no responses says so.
  auto none = parse_responses_request(R"({"model":"m","previous_response_id":"resp_1","input":"x"})", limits);
  ASSERT_TRUE(std::holds_alternative<api_error>(none));
  EXPECT_NE(std::get<api_error>(none).message.find("stored_responses_mb: 0"), std::string::npos);
}

TEST(ResponseStore, KeepsEachAnswerForItsAccountWithinItsBytesAndTime) {
  response_store store(4096, 1000);
  const auto entry = [](const std::string& account, const std::string& text) {
    return stored_response{account, ordered_json{{"text", text}}, ordered_json::array()};
  };
  store.put("resp_a", entry("alice", "a"), 0);
  ASSERT_TRUE(store.get("resp_a", "alice", 10).has_value());
  EXPECT_EQ(store.get("resp_a", "alice", 10)->response["text"], "a");
  EXPECT_FALSE(store.get("resp_a", "bob", 10).has_value());    // another account's
  EXPECT_FALSE(store.erase("resp_a", "bob", 10));
  EXPECT_FALSE(store.get("resp_a", "alice", 1000).has_value());  // expired
  store.put("resp_b", entry("alice", "b"), 2000);
  EXPECT_TRUE(store.erase("resp_b", "alice", 2001));
  EXPECT_FALSE(store.get("resp_b", "alice", 2002).has_value());
  EXPECT_EQ(store.bytes(), 0u);
  // Over the bytes: the oldest go first; one answer larger than all is not kept.
  for (int i = 0; i < 100; ++i) store.put("resp_" + std::to_string(i), entry("alice", std::string(100, 'x')), 3000);
  EXPECT_LE(store.bytes(), 4096u);
  EXPECT_FALSE(store.get("resp_0", "alice", 3000).has_value());
  EXPECT_TRUE(store.get("resp_99", "alice", 3000).has_value());
  store.put("resp_big", entry("alice", std::string(5000, 'x')), 3000);
  EXPECT_FALSE(store.get("resp_big", "alice", 3000).has_value());
  // Kept again under the same id: the newer answer, counted once.
  store.put("resp_99", entry("alice", "again"), 3001);
  EXPECT_EQ(store.get("resp_99", "alice", 3001)->response["text"], "again");
  EXPECT_FALSE(response_store(0, 1000).enabled());
  // An answer cut inside a UTF-8 character (a random model, max_output_tokens) is kept, not thrown at.
  store.put("resp_cut", entry("alice", "caf\xc3"), 3002);
  EXPECT_TRUE(store.get("resp_cut", "alice", 3002).has_value());
}

TEST(ResponseStore, AnAnswersAssistantTurnIsItsTextAndCalls) {
  const auto turn = assistant_turn_of(ordered_json::parse(R"([{"type":"reasoning","content":[{"text":"hm"}]},
    {"type":"message","content":[{"type":"output_text","text":"Let me look."}]},
    {"type":"function_call","call_id":"call_1","name":"f","arguments":"{}"}])"));
  EXPECT_EQ(turn["role"], "assistant");
  EXPECT_EQ(turn["content"], "Let me look.");
  EXPECT_EQ(turn["tool_calls"][0]["id"], "call_1");
  EXPECT_EQ(turn["tool_calls"][0]["function"]["name"], "f");
  EXPECT_TRUE(assistant_turn_of(ordered_json::parse(R"([{"type":"function_call","call_id":"c","name":"f","arguments":"{}"}])"))
                  ["content"].is_null());
}

TEST(ResponsesResponse, AnAnswerIsItsReasoningItsMessageAndItsCalls) {
  completion_piece answer;
  answer.reasoning = "thinking";
  answer.text = "Sure.";
  answer.tool_calls = {{"call_1", "get_time", "{}"}};
  answer.finish_reason = "tool_calls";
  const auto items = output_items_json(answer, false);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0]["type"], "reasoning");
  EXPECT_EQ(items[0]["content"][0]["text"], "thinking");
  EXPECT_EQ(items[1]["type"], "message");
  EXPECT_EQ(items[1]["content"][0]["type"], "output_text");
  EXPECT_EQ(items[1]["content"][0]["text"], "Sure.");
  EXPECT_EQ(items[2]["type"], "function_call");
  EXPECT_EQ(items[2]["call_id"], "call_1");
  EXPECT_EQ(items[2]["arguments"], "{}");
  // Only calls: no message; nothing at all: one empty message.
  answer.text.clear();
  answer.reasoning.clear();
  EXPECT_EQ(output_items_json(answer, false).size(), 1u);
  EXPECT_EQ(output_items_json(completion_piece{}, false)[0]["type"], "message");
}

TEST(ResponsesResponse, ALengthFinishIsIncompleteWithItsReasonAndUsage) {
  const response_header header{"resp_1", 1700000000, "m", "w1"};
  const usage_counts usage{19, 12, 3};
  completion_piece answer;
  answer.text = "cut";
  answer.finish_reason = "length";
  const auto response = response_json(header, ordered_json::object(), outcome_of(answer.finish_reason),
                                      output_items_json(answer, false), &usage);
  EXPECT_EQ(response["object"], "response");
  EXPECT_EQ(response["status"], "incomplete");
  EXPECT_EQ(response["incomplete_details"]["reason"], "max_output_tokens");
  EXPECT_EQ(response["output"][0]["status"], "incomplete");
  EXPECT_EQ(response["usage"]["input_tokens"], 19);
  EXPECT_EQ(response["usage"]["output_tokens"], 12);
  EXPECT_EQ(response["usage"]["output_tokens_details"]["reasoning_tokens"], 3);
  EXPECT_EQ(response["usage"]["total_tokens"], 31);
  EXPECT_EQ(response["miner"], "w1");
  EXPECT_EQ(outcome_of("stop").status, "completed");
}

}  // namespace
}  // namespace infergrid::http

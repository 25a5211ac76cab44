#include "actors/http_bridge/openai_request.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace infergrid::http {
namespace {

const request_limits limits{};

completion_request chat_ok(const std::string& body) {
  auto parsed = parse_chat_request(body, limits);
  if (auto* failure = std::get_if<api_error>(&parsed)) {
    ADD_FAILURE() << "unexpected error: " << failure->message;
    return {};
  }
  return std::get<completion_request>(parsed);
}

api_error chat_error(const std::string& body) {
  auto parsed = parse_chat_request(body, limits);
  if (!std::holds_alternative<api_error>(parsed)) {
    ADD_FAILURE() << "accepted: " << body;
    return {};
  }
  return std::get<api_error>(parsed);
}

constexpr const char* minimal = R"({"model":"m","messages":[{"role":"user","content":"hi"}]})";

TEST(ChatRequest, MinimalRequestGetsDefaults) {
  auto request = chat_ok(minimal);
  EXPECT_EQ(request.model, "m");
  ASSERT_EQ(request.messages.size(), 1u);
  EXPECT_EQ(request.messages[0].role, "user");
  EXPECT_EQ(request.messages[0].content, "hi");
  EXPECT_EQ(request.max_tokens, limits.default_max_tokens);
  EXPECT_FALSE(request.stream);
  EXPECT_FALSE(request.seed.has_value());
  EXPECT_TRUE(request.provider.allow_fallbacks);
}

TEST(ChatRequest, ReadsEveryField) {
  auto request = chat_ok(R"({"model":"m","messages":[{"role":"system","content":"be brief"},
    {"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
    {"role":"assistant","content":null},{"role":"developer","content":"d"}],
    "max_tokens":5,"max_completion_tokens":7,"temperature":0.5,"top_p":0.9,"seed":42,"stop":["x","y"],
    "n":1,"stream":true,"stream_options":{"include_usage":true},"user":"u1",
    "provider":{"order":["w1","w2"],"only":["w1"],"ignore":["w3"],"quantizations":["q8_0"],
                "allow_fallbacks":false,"max_price":{"prompt":1.5,"completion":2}}})");
  EXPECT_EQ(request.messages[1].content, "ab");
  EXPECT_EQ(request.messages[2].content, "");
  EXPECT_EQ(request.messages[3].role, "system");
  EXPECT_EQ(request.max_tokens, 7);  // max_completion_tokens wins
  EXPECT_DOUBLE_EQ(request.temperature, 0.5);
  EXPECT_DOUBLE_EQ(request.top_p, 0.9);
  EXPECT_EQ(request.seed, 42u);
  EXPECT_EQ(request.stop, (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(request.stream);
  EXPECT_TRUE(request.include_usage);
  EXPECT_EQ(request.user, "u1");
  EXPECT_EQ(request.provider.order, (std::vector<std::string>{"w1", "w2"}));
  EXPECT_EQ(request.provider.only, (std::vector<std::string>{"w1"}));
  EXPECT_EQ(request.provider.ignore, (std::vector<std::string>{"w3"}));
  EXPECT_EQ(request.provider.quantizations, (std::vector<std::string>{"q8_0"}));
  EXPECT_FALSE(request.provider.allow_fallbacks);
  EXPECT_DOUBLE_EQ(request.provider.max_price_prompt, 1.5);
  EXPECT_DOUBLE_EQ(request.provider.max_price_completion, 2);
}

TEST(ChatRequest, TopPMayBeZero) {  // OpenAI's range is 0..1 inclusive
  EXPECT_DOUBLE_EQ(chat_ok(R"({"model":"m","messages":[{"role":"user","content":"x"}],"top_p":0})").top_p, 0.0);
}

TEST(ChatRequest, EverySixtyFourBitSeedIsItsOwn) {  // none clamped: 2^63 and 2^64-1 were both 2^63-1
  const auto seed_of = [](const std::string& seed) {
    return chat_ok(R"({"model":"m","messages":[{"role":"user","content":"x"}],"seed":)" + seed + "}").seed.value();
  };
  EXPECT_EQ(seed_of("9223372036854775807"), 9223372036854775807u);
  EXPECT_EQ(seed_of("9223372036854775808"), 9223372036854775808u);
  EXPECT_EQ(seed_of("12345678901234567890"), 12345678901234567890u);
  EXPECT_EQ(seed_of("18446744073709551615"), 18446744073709551615u);
  EXPECT_EQ(seed_of("-1"), 18446744073709551615u);  // OpenAI's int64 seeds: the same 64 bits
  EXPECT_EQ(seed_of("-9223372036854775808"), 9223372036854775808u);
  EXPECT_EQ(seed_of("7.0"), 7u);
  EXPECT_EQ(chat_error(R"({"model":"m","messages":[{"role":"user","content":"x"}],"seed":18446744073709551616})").param,
            "seed");
  EXPECT_EQ(chat_error(R"({"model":"m","messages":[{"role":"user","content":"x"}],"seed":1.5})").param, "seed");
}

TEST(ChatRequest, StopMayBeOneString) {
  EXPECT_EQ(chat_ok(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":"END"})").stop,
            (std::vector<std::string>{"END"}));
}

// vLLM's include_stop_str_in_output: the stop strings become strings kept in the output.
TEST(ChatRequest, IncludeStopStrInOutputKeepsTheStopStrings) {
  const auto kept = chat_ok(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":["a","b"],)"
                            R"("include_stop_str_in_output":true})");
  EXPECT_EQ(kept.stop, std::vector<std::string>{});
  EXPECT_EQ(kept.stop_after, (std::vector<std::string>{"a", "b"}));
  const auto cut = chat_ok(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":"a",)"
                           R"("include_stop_str_in_output":false})");
  EXPECT_EQ(cut.stop, std::vector<std::string>{"a"});
  EXPECT_EQ(cut.stop_after, std::vector<std::string>{});
}

// A stop string would cut output held to a grammar short (invalid JSON or a call's markup as text
// with finish_reason "stop"): refused with JSON output and with forced tool calls, kept elsewhere.
TEST(ChatRequest, StopIsRefusedWhereOutputIsHeldToAGrammar) {
  const std::string base = R"({"model":"m","messages":[{"role":"user","content":"x"}],)";
  const std::string tools = R"("tools":[{"type":"function","function":{"name":"f"}}],)";
  const std::string schema = R"("response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"object"}}},)";
  for (const std::string& constrained :
       {std::string(R"("response_format":{"type":"json_object"},)"), schema, tools + R"("tool_choice":"required",)",
        tools + R"("tool_choice":{"type":"function","function":{"name":"f"}},)"}) {
    for (const std::string& stop : {std::string(R"("stop":"}"})"), std::string(R"("stop":["a"],"include_stop_str_in_output":true})")}) {
      const auto failure = chat_error(base + constrained + stop);
      EXPECT_EQ(failure.param, "stop") << constrained << stop;
      EXPECT_NE(failure.message.find("cut the constrained output short"), std::string::npos) << failure.message;
    }
    EXPECT_TRUE(std::holds_alternative<completion_request>(parse_chat_request(base + constrained + R"("n":1})", limits)));
  }
  EXPECT_EQ(chat_ok(base + tools + R"("tool_choice":"auto","stop":"}"})").stop, std::vector<std::string>{"}"});
  EXPECT_EQ(chat_ok(base + R"("response_format":{"type":"text"},"stop":"}"})").stop, std::vector<std::string>{"}"});
}

TEST(ChatRequest, UnknownFieldsAreIgnored) {
  EXPECT_EQ(chat_ok(R"({"model":"m","messages":[{"role":"user","content":"x"}],"whatever":{"a":1}})").model, "m");
}

TEST(ChatRequest, InvalidJsonIs400WithoutParam) {
  // ~150,000 nested objects in a field the bridge copies (a schema) overflowed the stack before.
  std::string deep_schema = R"({"model":"m","messages":[{"role":"user","content":"x"}],"response_format":)"
                            R"({"type":"json_schema","json_schema":{"name":"s","schema":)";
  for (int i = 0; i < 150000; ++i) deep_schema += "{\"a\":";
  deep_schema += "1" + std::string(150000, '}') + "}}";
  EXPECT_NE(chat_error(deep_schema).message.find("nest deeper than 64 levels"), std::string::npos);
  for (const std::string& body : {std::string(""), std::string("{"), std::string("not json"), std::string("[1,2]"),
                                 std::string("\"text\""), std::string("{\"model\":\"m\",}"), deep_schema}) {
    auto failure = chat_error(body);
    EXPECT_EQ(failure.status, 400) << body;
    EXPECT_EQ(failure.code, "invalid_json") << body;
    EXPECT_EQ(failure.param, "") << body;
  }
}

TEST(ChatRequest, ABodyOfValidJsonThatIsNoObjectIsNotCalledInvalid) {
  const auto array = chat_error("[1,2]");
  EXPECT_EQ(array.message, "The request body must be a JSON object, not a JSON array.");
  EXPECT_EQ(chat_error("\"text\"").message, "The request body must be a JSON object, not a JSON string.");
}

TEST(ChatRequest, ARefusedRoleListsEveryRoleAccepted) {
  const auto failure = chat_error(R"({"model":"m","messages":[{"role":"robot","content":"x"}]})");
  EXPECT_NE(failure.message.find("one of system, developer, user, assistant, tool (got 'robot')"), std::string::npos)
      << failure.message;
}

TEST(ChatRequest, InvalidJsonSaysWhereAndWhyWithoutEchoingTheBody) {
  const std::string bad_escape = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\\uZZZZ\xff\"}]}";
  auto failure = chat_error(bad_escape);
  EXPECT_EQ(failure.code, "invalid_json");
  EXPECT_NE(failure.message.find("line 1, column 55"), std::string::npos) << failure.message;
  EXPECT_NE(failure.message.find("'\\u' must be followed by 4 hex digits"), std::string::npos) << failure.message;
  EXPECT_EQ(failure.message.find("json.exception"), std::string::npos) << failure.message;
  EXPECT_EQ(failure.message.find("last read"), std::string::npos) << failure.message;
  EXPECT_EQ(failure.message.find('\xff'), std::string::npos) << failure.message;
  auto trailing_comma = chat_error("{\"model\":\"m\",}");
  EXPECT_NE(trailing_comma.message.find("column 14"), std::string::npos) << trailing_comma.message;
}

struct bad_field_case {
  const char* body;
  const char* param;
};

TEST(ChatRequest, EachBadFieldIsNamed) {
  const bad_field_case cases[] = {
      {R"({"messages":[{"role":"user","content":"x"}]})", "model"},
      {R"({"model":7,"messages":[{"role":"user","content":"x"}]})", "model"},
      {R"({"model":"m"})", "messages"},
      {R"({"model":"m","messages":{}})", "messages"},
      {R"({"model":"m","messages":[]})", "messages"},
      {R"({"model":"m","messages":[1]})", "messages[0]"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"},{"role":"robot","content":"x"}]})", "messages[1].role"},
      {R"({"model":"m","messages":[{"content":"x"}]})", "messages[0].role"},
      {R"({"model":"m","messages":[{"role":"user","content":5}]})", "messages[0].content"},
      {R"({"model":"m","messages":[{"role":"user","content":"x","name":5}]})", "messages[0].name"},
      {R"({"model":"m","messages":[{"role":"user"}]})", "messages[0].content"},
      {R"({"model":"m","messages":[{"role":"system","content":null},{"role":"user","content":"x"}]})", "messages[0].content"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"},{"role":"tool","tool_call_id":"c"}]})", "messages[1].content"},
      {R"({"model":"m","messages":[{"role":"user","content":[{"type":"image_url"}]}]})", "messages[0].content[0]"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":0})", "max_tokens"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":"5"})", "max_tokens"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":1.5})", "max_tokens"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":100000})", "max_tokens"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_completion_tokens":-1})", "max_completion_tokens"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"temperature":3})", "temperature"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"temperature":"hot"})", "temperature"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"top_p":-0.1})", "top_p"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"top_p":1.5})", "top_p"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"seed":"s"})", "seed"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":5})", "stop"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":["a",3]})", "stop[1]"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":["a","b","c","d","e"]})", "stop"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":[""]})", "stop[0]"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"include_stop_str_in_output":1})", "include_stop_str_in_output"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"n":9})", "n"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"n":0})", "n"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":"yes"})", "stream"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true}})",
       "stream_options"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":true,"stream_options":{"include_usage":1}})",
       "stream_options.include_usage"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"top_logprobs":3})", "top_logprobs"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"top_logprobs":0})", "top_logprobs"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"logprobs":false,"top_logprobs":2})", "top_logprobs"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"logprobs":true,"top_logprobs":21})", "top_logprobs"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"logprobs":true,"top_logprobs":-1})", "top_logprobs"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"logprobs":true,"top_logprobs":2.5})", "top_logprobs"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"logprobs":1})", "logprobs"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"provider":[]})", "provider"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"provider":{"order":"w1"}})", "provider.order"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"provider":{"only":[1]}})", "provider.only[0]"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"provider":{"allow_fallbacks":"no"}})",
       "provider.allow_fallbacks"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"provider":{"max_price":{"prompt":-1}}})",
       "provider.max_price.prompt"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"logit_bias":[1]})", "logit_bias"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"logit_bias":{"hello":1}})", "logit_bias.hello"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"logit_bias":{"-3":1}})", "logit_bias.-3"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"logit_bias":{"7":101}})", "logit_bias.7"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"logit_bias":{"7":"big"}})", "logit_bias.7"},
  };
  for (const auto& c : cases) {
    auto failure = chat_error(c.body);
    EXPECT_EQ(failure.status, 400) << c.body;
    EXPECT_EQ(failure.param, c.param) << c.body << " -> " << failure.message;
    EXPECT_EQ(failure.type, "invalid_request_error") << c.body;
    EXPECT_NE(failure.message.find(c.param), std::string::npos) << failure.message;
  }
}

TEST(ChatRequest, LogitBiasMapsTokenIdsToBiases) {
  const std::string base = R"({"model":"m","messages":[{"role":"user","content":"x"}])";
  auto biased = chat_ok(base + R"(,"logit_bias":{"7":-100,"42":2.5}})");
  std::sort(biased.logit_bias.begin(), biased.logit_bias.end());
  EXPECT_EQ(biased.logit_bias, (std::vector<std::pair<std::int32_t, float>>{{7, -100.0f}, {42, 2.5f}}));
  EXPECT_TRUE(chat_ok(base + R"(,"logit_bias":{}})").logit_bias.empty());
  EXPECT_TRUE(chat_ok(base + R"(,"logit_bias":null})").logit_bias.empty());
}

// Fields that would change the output and are not implemented are refused by name (fail closed);
// values that ask for nothing pass.
TEST(ChatRequest, UnimplementedFieldsAreRefusedNotIgnored) {
  const std::string base = R"({"model":"m","messages":[{"role":"user","content":"x"}])";
  const std::vector<std::pair<std::string, std::string>> refused = {
      {R"("functions":[{"name":"f"}])", "functions"},
      {R"("function_call":"auto")", "function_call"},
      {R"("response_format":{"type":"grammar","grammar":"x"})", "response_format"},
      {R"("best_of":3)", "best_of"},
      {R"("modalities":["text","audio"])", "modalities"},
      {R"("audio":{"voice":"alloy"})", "audio"},
      {R"("prediction":{"type":"content","content":"x"})", "prediction"},
  };
  for (const auto& [field, param] : refused) {
    const auto failure = chat_error(base + "," + field + "}");
    EXPECT_EQ(failure.status, 400) << field;
    EXPECT_EQ(failure.param, param) << field;
    EXPECT_EQ(failure.code, "unsupported") << field;
  }
  EXPECT_EQ(chat_ok(base + R"(,"response_format":{"type":"json_object"}})").output.format, "json_object");
  EXPECT_EQ(chat_ok(base + R"(,"response_format":{"type":"text"}})").output.format, "");
  for (const std::string inert : {R"("tool_choice":"none")", R"("response_format":{"type":"text"})",
                                  R"("best_of":1)", R"("modalities":["text"])", R"("tools":null)",
                                  R"("parallel_tool_calls":true)"}) {
    chat_ok(base + "," + inert + "}");
  }
}

// response_format json_schema: the schema travels as text with its keys in the client's order.
TEST(ChatRequest, JsonSchemaKeepsTheSchemaInOrder) {
  const std::string base = R"({"model":"m","messages":[{"role":"user","content":"x"}])";
  const auto ok = chat_ok(base + R"(,"response_format":{"type":"json_schema","json_schema":{"name":"p","strict":true,)"
                                 R"("schema":{"type":"object","properties":{"z":{"type":"string"},"a":{"type":"integer"}}}}}})");
  EXPECT_EQ(ok.output.format, "json_schema");
  EXPECT_EQ(ok.output.schema, R"({"type":"object","properties":{"z":{"type":"string"},"a":{"type":"integer"}}})");
  EXPECT_EQ(chat_error(base + R"(,"response_format":{"type":"json_schema"}})").param, "response_format.json_schema");
  EXPECT_EQ(chat_error(base + R"(,"response_format":{"type":"json_schema","json_schema":{"schema":{}}}})").param,
            "response_format.json_schema.name");
  EXPECT_EQ(chat_error(base + R"(,"response_format":{"type":"json_schema","json_schema":{"name":"n","schema":3}}})").param,
            "response_format.json_schema.schema");
}

// A schema's numbers reach the worker as the client wrote them, not as the doubles nearest them:
// 0.1000000000000000000001 is not 0.1, nor 12345678901234567890123 1.2345678901234568e+22.
TEST(ChatRequest, JsonSchemaAndToolParametersKeepTheirNumbersAsWritten) {
  const std::string base = R"({"model":"m","messages":[{"role":"user","content":"x"}])";
  const std::string schema = R"({"type":"object","properties":{"x":{"type":"number","minimum":0.1000000000000000000001,)"
                             R"("multipleOf":1e-400},"n":{"type":"integer","maximum":12345678901234567890123,"minimum":0.5}}})";
  const auto formatted = chat_ok(base + R"(,"response_format":{"type":"json_schema","json_schema":{"name":"p","schema":)" + schema + "}}}");
  EXPECT_EQ(formatted.output.schema, schema);
  const auto tooled = chat_ok(base + R"(,"tools":[{"type":"function","function":{"name":"now"}},{"type":"function","function":)"
                                     R"({"name":"t","parameters":)" + schema + "}}]}");
  const auto parameters = tooled.tools.parameters_of("t");
  EXPECT_EQ(model::dump_keeping_number_texts(parameters.value, parameters.texts), schema);
  EXPECT_TRUE(tooled.tools.parameters_of("now").texts.empty());
}

TEST(ChatRequest, ToolsAndToolChoice) {
  const std::string base = R"({"model":"m","messages":[{"role":"user","content":"x"}])";
  const std::string tools =
      R"(,"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":)"
      R"({"city":{"type":"string"}},"required":["city"]}}},{"type":"function","function":{"name":"now"}}])";
  const auto automatic = chat_ok(base + tools + "}");
  EXPECT_TRUE(automatic.tools.active());
  EXPECT_EQ(automatic.tools.choice, tool_choice::automatic);
  EXPECT_EQ(automatic.tools.definitions.size(), 2u);
  EXPECT_EQ(automatic.tools.parameters_of("now").value.dump(), R"({"type":"object","properties":{}})");
  // OpenAI: arguments are always an object; {} (like none) is an empty parameter list, not "any JSON value".
  const auto untyped = chat_ok(base + R"(,"tools":[{"type":"function","function":{"name":"e","parameters":{}}},)"
                                      R"({"type":"function","function":{"name":"p","parameters":{"properties":)"
                                      R"({"x":{"type":"string"}}}}}]})");
  EXPECT_EQ(untyped.tools.parameters_of("e").value.dump(), R"({"type":"object","properties":{}})");
  EXPECT_EQ(untyped.tools.parameters_of("p").value.dump(), R"({"type":"object","properties":{"x":{"type":"string"}}})");
  const auto named = chat_ok(base + tools + R"(,"tool_choice":{"type":"function","function":{"name":"now"}},)"
                                            R"("parallel_tool_calls":false})");
  EXPECT_EQ(named.tools.choice, tool_choice::named);
  EXPECT_EQ(named.tools.named, "now");
  EXPECT_FALSE(named.tools.parallel);
  EXPECT_FALSE(chat_ok(base + tools + R"(,"tool_choice":"none"})").tools.active());
  const std::vector<std::pair<std::string, std::string>> bad = {
      {tools + R"(,"tool_choice":{"type":"function","function":{"name":"nope"}})", "tool_choice.function.name"},
      {tools + R"(,"tool_choice":"sometimes")", "tool_choice"},
      {R"(,"tool_choice":"required")", "tool_choice"},
      {R"(,"tools":[{"type":"function","function":{"name":"bad name"}}])", "tools[0].function.name"},
      {R"(,"tools":[{"type":"retrieval"}])", "tools[0]"},
      {R"(,"tools":[{"type":"function","function":{"name":"f","parameters":[]}}])", "tools[0].function.parameters"},
      {R"(,"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"string"}}}])",
       "tools[0].function.parameters.type"},
      {R"(,"tools":[{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":"f"}}])",
       "tools[1].function.name"},
      {R"(,"tools":{})", "tools"},
      {R"(,"parallel_tool_calls":"yes")", "parallel_tool_calls"},
  };
  for (const auto& [field, param] : bad) EXPECT_EQ(chat_error(base + field + "}").param, param) << field;
  // OpenAI: "Invalid 'tools': empty array" (code empty_array); a request without tools leaves it out.
  const auto empty = chat_error(base + R"(,"tools":[]})");
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(empty.param, "tools");
  EXPECT_EQ(empty.code, "empty_array");
  EXPECT_EQ(empty.type, "invalid_request_error");
}

TEST(ChatRequest, ToolCallsAndResultsInTheHistory) {
  const auto ok = chat_ok(R"({"model":"m","messages":[{"role":"user","content":"x"},)"
                          R"({"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",)"
                          R"("function":{"name":"f","arguments":"{\"a\": 1}"}}]},)"
                          R"({"role":"tool","tool_call_id":"call_1","content":"42"}]})");
  ASSERT_EQ(ok.messages.size(), 3u);
  ASSERT_EQ(ok.messages[1].tool_calls.size(), 1u);
  EXPECT_EQ(ok.messages[1].tool_calls[0].name, "f");
  EXPECT_EQ(ok.messages[1].tool_calls[0].arguments, R"({"a": 1})");
  EXPECT_EQ(ok.messages[2].tool_call_id, "call_1");
  EXPECT_EQ(ok.messages[2].content, "42");
  EXPECT_EQ(chat_error(R"({"model":"m","messages":[{"role":"tool","content":"42"}]})").param, "messages[0].tool_call_id");
  EXPECT_EQ(chat_error(R"({"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function",)"
                       R"("function":{"name":"f","arguments":"[1]"}}]}]})")
                .param,
            "messages[0].tool_calls[0].function.arguments");
  // Arguments as text nesting deeper than json_depth_max: refused by name, not parsed.
  const auto deep = chat_error(R"({"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function",)"
                               R"("function":{"name":"f","arguments":"{\"a\":)" +
                               std::string(100000, '[') + R"("}}]}]})");
  EXPECT_EQ(deep.param, "messages[0].tool_calls[0].function.arguments");
  EXPECT_NE(deep.message.find("nests deeper than 64 levels"), std::string::npos) << deep.message;
}

TEST(ChatRequest, LogprobsAndTopLogprobs) {
  const std::string base = R"({"model":"m","messages":[{"role":"user","content":"x"}])";
  auto off = chat_ok(base + "}");
  EXPECT_FALSE(off.logprobs);
  EXPECT_EQ(off.top_logprobs, 0);
  auto plain = chat_ok(base + R"(,"logprobs":true})");
  EXPECT_TRUE(plain.logprobs);
  EXPECT_EQ(plain.top_logprobs, 0);
  auto top = chat_ok(base + R"(,"logprobs":true,"top_logprobs":20})");
  EXPECT_TRUE(top.logprobs);
  EXPECT_EQ(top.top_logprobs, 20);
  auto nulls = chat_ok(base + R"(,"logprobs":null,"top_logprobs":null})");
  EXPECT_FALSE(nulls.logprobs);
  auto explicit_off = chat_ok(base + R"(,"logprobs":false})");
  EXPECT_FALSE(explicit_off.logprobs);
  const auto needs = chat_error(base + R"(,"top_logprobs":3})");
  EXPECT_NE(needs.message.find("requires 'logprobs' to be true"), std::string::npos) << needs.message;
  const auto over = chat_error(base + R"(,"logprobs":true,"top_logprobs":21})");
  EXPECT_NE(over.message.find("between 0 and 20"), std::string::npos) << over.message;
}

TEST(TextRequest, LogprobsIsTheCountOfAlternatives) {
  auto text_ok = [](const std::string& body) {
    auto parsed = parse_text_request(body, limits);
    EXPECT_TRUE(std::holds_alternative<completion_request>(parsed)) << body;
    return std::holds_alternative<completion_request>(parsed) ? std::get<completion_request>(parsed) : completion_request{};
  };
  auto off = text_ok(R"({"model":"m","prompt":"x"})");
  EXPECT_FALSE(off.logprobs);
  auto null = text_ok(R"({"model":"m","prompt":"x","logprobs":null})");
  EXPECT_FALSE(null.logprobs);
  auto zero = text_ok(R"({"model":"m","prompt":"x","logprobs":0})");
  EXPECT_TRUE(zero.logprobs);
  EXPECT_EQ(zero.top_logprobs, 0);
  auto five = text_ok(R"({"model":"m","prompt":"x","logprobs":5})");
  EXPECT_TRUE(five.logprobs);
  EXPECT_EQ(five.top_logprobs, 5);
  for (const char* bad : {R"({"model":"m","prompt":"x","logprobs":6})", R"({"model":"m","prompt":"x","logprobs":-1})",
                          R"({"model":"m","prompt":"x","logprobs":true})"}) {
    auto failed = parse_text_request(bad, limits);
    ASSERT_TRUE(std::holds_alternative<api_error>(failed)) << bad;
    EXPECT_EQ(std::get<api_error>(failed).param, "logprobs") << bad;
    EXPECT_EQ(std::get<api_error>(failed).status, 400) << bad;
  }
}

TEST(ChatRequest, ReasoningEffortSwitchesThinkingUnlessTheTemplateKwargSays) {
  const auto with = [](const std::string& extra) {
    return R"({"model":"m","messages":[{"role":"user","content":"x"}],)" + extra + "}";
  };
  EXPECT_EQ(chat_ok(with(R"("reasoning_effort":"minimal")")).enable_thinking, false);
  EXPECT_EQ(chat_ok(with(R"("reasoning_effort":"none")")).enable_thinking, false);
  EXPECT_EQ(chat_ok(with(R"("reasoning_effort":"high")")).enable_thinking, true);
  EXPECT_FALSE(chat_ok(with(R"("reasoning_effort":null)")).enable_thinking.has_value());
  EXPECT_EQ(chat_ok(with(R"("reasoning_effort":"minimal","chat_template_kwargs":{"enable_thinking":true})")).enable_thinking,
            true);
  EXPECT_EQ(chat_error(with(R"("reasoning_effort":"extreme")")).param, "reasoning_effort");
  EXPECT_EQ(chat_error(with(R"("reasoning_effort":2)")).param, "reasoning_effort");
}

TEST(ChatRequest, ChatTemplateKwargsEnableThinking) {
  EXPECT_FALSE(chat_ok(minimal).enable_thinking.has_value());
  auto off = chat_ok(R"({"model":"m","messages":[{"role":"user","content":"x"}],
    "chat_template_kwargs":{"enable_thinking":false,"other":1}})");
  EXPECT_EQ(off.enable_thinking, false);
  EXPECT_EQ(chat_error(R"({"model":"m","messages":[{"role":"user","content":"x"}],"chat_template_kwargs":3})").param,
            "chat_template_kwargs");
  EXPECT_EQ(chat_error(R"({"model":"m","messages":[{"role":"user","content":"x"}],
    "chat_template_kwargs":{"enable_thinking":"no"}})").param, "chat_template_kwargs.enable_thinking");
}

TEST(ChatRequest, NAsksForUpToEightChoices) {
  auto parsed = parse_chat_request(R"({"model":"m","messages":[{"role":"user","content":"x"}],"n":8})", limits);
  ASSERT_TRUE(std::holds_alternative<completion_request>(parsed));
  EXPECT_EQ(std::get<completion_request>(parsed).choices, 8);
  EXPECT_EQ(chat_error(R"({"model":"m","messages":[{"role":"user","content":"x"}],"n":9})").param, "n");
}

// vLLM's and llama.cpp's sampler fields change the output, so they are honoured, not ignored.
TEST(ChatRequest, TopKMinPAndRepetitionPenaltyAsVllmAndLlamaCppTakeThem) {
  const auto plain = chat_ok(minimal);
  EXPECT_EQ(plain.top_k, 0);
  EXPECT_EQ(plain.min_p, 0.0);
  EXPECT_EQ(plain.repeat_penalty, 1.0);
  const auto vllm = chat_ok(R"({"model":"m","messages":[{"role":"user","content":"x"}],"top_k":20,"min_p":0.05,)"
                            R"("repetition_penalty":1.1})");
  EXPECT_EQ(vllm.top_k, 20);
  EXPECT_DOUBLE_EQ(vllm.min_p, 0.05);
  EXPECT_DOUBLE_EQ(vllm.repeat_penalty, 1.1);
  const auto llama_cpp = chat_ok(R"({"model":"m","messages":[{"role":"user","content":"x"}],"top_k":-1,"repeat_penalty":1.2})");
  EXPECT_EQ(llama_cpp.top_k, 0);  // vLLM's "off"
  EXPECT_DOUBLE_EQ(llama_cpp.repeat_penalty, 1.2);
  EXPECT_EQ(chat_error(R"({"model":"m","messages":[{"role":"user","content":"x"}],"top_k":2.5})").param, "top_k");
  EXPECT_EQ(chat_error(R"({"model":"m","messages":[{"role":"user","content":"x"}],"min_p":1.5})").param, "min_p");
  EXPECT_EQ(chat_error(R"({"model":"m","messages":[{"role":"user","content":"x"}],"repeat_penalty":0})").param,
            "repeat_penalty");
  EXPECT_EQ(chat_error(R"({"model":"m","messages":[{"role":"user","content":"x"}],"repetition_penalty":"x"})").param,
            "repetition_penalty");
}

TEST(ChatRequest, GarbageNeverCrashes) {
  std::string body = minimal;
  for (std::size_t cut = 0; cut < body.size(); ++cut) {
    auto parsed = parse_chat_request(body.substr(0, cut), limits);
    EXPECT_TRUE(std::holds_alternative<api_error>(parsed)) << cut;
  }
  for (std::size_t i = 0; i < body.size(); ++i) {
    std::string flipped = body;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x5a);
    (void)parse_chat_request(flipped, limits);  // any outcome but a crash
  }
}

TEST(TextRequest, ReadsPromptAndRejectsUnsupported) {
  auto parsed = parse_text_request(R"({"model":"m","prompt":"Once","max_tokens":16})", limits);
  ASSERT_TRUE(std::holds_alternative<completion_request>(parsed));
  EXPECT_EQ(std::get<completion_request>(parsed).prompt, "Once");
  EXPECT_EQ(std::get<completion_request>(parsed).kind, endpoint_kind::text);
  auto single = parse_text_request(R"({"model":"m","prompt":["Once"]})", limits);
  ASSERT_TRUE(std::holds_alternative<completion_request>(single));
  EXPECT_EQ(std::get<completion_request>(single).prompt, "Once");

  // Several prompts (LangChain's OpenAI.generate): each answered by its own n choices.
  auto several = parse_text_request(R"({"model":"m","prompt":["Once","The cat"],"n":2})", limits);
  ASSERT_TRUE(std::holds_alternative<completion_request>(several));
  EXPECT_EQ(std::get<completion_request>(several).prompts, (std::vector<std::string>{"Once", "The cat"}));
  EXPECT_EQ(std::get<completion_request>(several).prompt, "Once");

  auto fim = parse_text_request(R"({"model":"m","prompt":"def f(","suffix":"  return x","echo":true})", limits);
  ASSERT_TRUE(std::holds_alternative<completion_request>(fim));
  EXPECT_EQ(std::get<completion_request>(fim).suffix, "  return x");
  EXPECT_TRUE(std::get<completion_request>(fim).echo);

  const bad_field_case cases[] = {
      {R"({"model":"m"})", "prompt"},
      {R"({"model":"m","prompt":5})", "prompt"},
      {R"({"model":"m","prompt":[]})", "prompt"},
      {R"({"model":"m","prompt":["a",1]})", "prompt"},
      {R"({"model":"m","prompt":[[1,2]]})", "prompt"},
      {R"({"model":"m","prompt":["a","b","c"],"n":7})", "prompt"},  // 21 completions
      {R"({"model":"m","prompt":"x","echo":true,"logprobs":1})", "echo"},
      {R"({"model":"m","prompt":"x","echo":"yes"})", "echo"},
      {R"({"model":"m","prompt":"x","suffix":7})", "suffix"},
      {R"({"model":"m","prompt":"x","logprobs":9})", "logprobs"},
  };
  for (const auto& c : cases) {
    auto failed = parse_text_request(c.body, limits);
    ASSERT_TRUE(std::holds_alternative<api_error>(failed)) << c.body;
    EXPECT_EQ(std::get<api_error>(failed).param, c.param) << c.body;
  }
}

}  // namespace
}  // namespace infergrid::http

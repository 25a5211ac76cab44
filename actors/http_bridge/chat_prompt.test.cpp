// chat_prompt: tools rendered for families with tool calling, refused (400 naming `tools`) for the
// others, and tool_choice required/named turned into the output rules that force one call.
#include "actors/http_bridge/chat_prompt.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "kernels/model/json_schema_compiler.hpp"
#include "kernels/model/json_schema_prefix.hpp"
#include "messages/inference.hpp"

namespace infergrid::http {
namespace {

completion_request with_tools(const std::string& choice) {
  auto parsed = parse_chat_request(
      R"({"model":"m","messages":[{"role":"user","content":"Weather?"}],"tool_choice":)" + choice +
          R"(,"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",)"
          R"("properties":{"city":{"type":"string"}},"required":["city"]}}},{"type":"function","function":{"name":"now"}}]})",
      {});
  return std::get<completion_request>(parsed);
}

// OpenAI's reasoning_effort reaches Qwen3's template switch: "minimal" ends the generation prompt with
// an empty think block, "high" leaves the model to open its own.
TEST(ChatPrompt, ReasoningEffortMinimalClosesQwen3sThinkBlock) {
  const auto rendered = [](const std::string& effort) {
    auto parsed = parse_chat_request(
        R"({"model":"m","messages":[{"role":"user","content":"Hi"}],"reasoning_effort":")" + effort + R"("})", {});
    auto prompt = render_chat_prompt(chat::template_family::qwen3, std::get<completion_request>(parsed));
    return std::get<std::string>(prompt);
  };
  const std::string closed = "<|im_start|>assistant\n<think>\n\n</think>\n\n";
  EXPECT_TRUE(rendered("minimal").ends_with(closed)) << rendered("minimal");
  EXPECT_TRUE(rendered("high").ends_with("<|im_start|>assistant\n")) << rendered("high");
}

TEST(ChatPrompt, QwenRendersTheToolsAndAutoLeavesTheOutputFree) {
  auto request = with_tools(R"("auto")");
  auto prompt = render_chat_prompt(chat::template_family::qwen3, request);
  ASSERT_TRUE(std::holds_alternative<std::string>(prompt));
  EXPECT_NE(std::get<std::string>(prompt).find("<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"get_weather\""),
            std::string::npos);
  EXPECT_EQ(request.output.format, "");
}

// parallel_tool_calls false: Qwen's reply ends with its first call's closing tag (kept, so the call
// parses), where the worker stops; true, a forced call or a one-call family (Llama 3.1) set no end.
TEST(ChatPrompt, OneCallOnlyEndsQwensReplyAfterTheFirstCall) {
  const auto ends = [](const std::string& choice, const std::string& parallel, chat::template_family family) {
    auto parsed = parse_chat_request(
        R"({"model":"m","messages":[{"role":"user","content":"Weather?"}],"tool_choice":)" + choice +
            R"(,"parallel_tool_calls":)" + parallel +
            R"(,"tools":[{"type":"function","function":{"name":"now","parameters":{"type":"object","properties":{}}}}]})",
        {});
    auto request = std::get<completion_request>(parsed);
    EXPECT_TRUE(std::holds_alternative<std::string>(render_chat_prompt(family, request)));
    return request.stop_after;
  };
  using strings = std::vector<std::string>;
  EXPECT_EQ(ends(R"("auto")", "false", chat::template_family::qwen3), strings{"</tool_call>"});
  EXPECT_EQ(ends(R"("auto")", "false", chat::template_family::qwen2_5), strings{"</tool_call>"});
  EXPECT_EQ(ends(R"("auto")", "true", chat::template_family::qwen3), strings{});
  EXPECT_EQ(ends(R"("required")", "false", chat::template_family::qwen3), strings{});
  EXPECT_EQ(ends(R"("auto")", "false", chat::template_family::llama3_1), strings{});
}

// A thinking model (Qwen3) may write `</tool_call>` while it thinks: the worker is told that the
// one-call end counts only past the reply's <think> block; other families and forced calls (no
// room to think) keep it anywhere.
TEST(ChatPrompt, AThinkingModelsOneCallEndCountsOnlyInItsAnswer) {
  const auto reasoning = [](const std::string& choice, chat::template_family family) {
    auto parsed = parse_chat_request(
        R"({"model":"m","messages":[{"role":"user","content":"Weather?"}],"tool_choice":)" + choice +
            R"(,"parallel_tool_calls":false,"tools":[{"type":"function","function":{"name":"now","parameters":{"type":"object","properties":{}}}}]})",
        {});
    auto request = std::get<completion_request>(parsed);
    EXPECT_TRUE(std::holds_alternative<std::string>(render_chat_prompt(family, request)));
    return request.stop_after_reasoning;
  };
  EXPECT_EQ(reasoning(R"("auto")", chat::template_family::qwen3), inference_request::stop_after_past_reply_block);
  EXPECT_EQ(reasoning(R"("auto")", chat::template_family::qwen2_5), inference_request::stop_after_anywhere);
  EXPECT_EQ(reasoning(R"("required")", chat::template_family::qwen3), inference_request::stop_after_anywhere);
}

TEST(ChatPrompt, NamedChoiceForcesThatCallInTheFamilyFormat) {
  auto request = with_tools(R"({"type":"function","function":{"name":"get_weather"}})");
  ASSERT_TRUE(std::holds_alternative<std::string>(render_chat_prompt(chat::template_family::qwen2_5, request)));
  EXPECT_EQ(request.output.format, "json_schema");
  EXPECT_EQ(request.output.prefix, "<tool_call>\n");
  EXPECT_EQ(request.output.suffix, "\n</tool_call>");
  EXPECT_EQ(request.output.schema,
            R"({"type":"object","properties":{"name":{"const":"get_weather"},"arguments":{"type":"object","properties":)"
            R"({"city":{"type":"string"}},"required":["city"]}},"required":["name","arguments"],"additionalProperties":false})");
  auto llama = with_tools(R"("required")");
  ASSERT_TRUE(std::holds_alternative<std::string>(render_chat_prompt(chat::template_family::llama3_1, llama)));
  EXPECT_EQ(llama.output.prefix, "");
  EXPECT_NE(llama.output.schema.find(R"({"anyOf":[)"), std::string::npos);
  EXPECT_NE(llama.output.schema.find(R"("parameters":{"type":"object","properties":{}})"), std::string::npos);
}

// OpenAI: arguments are always an object, and parameters {} is an empty parameter list. The forced
// call's grammar admits only an object there, never "" or [] (which no parser takes as a call).
TEST(ChatPrompt, AForcedCallOfAToolWithEmptyParametersWritesAnObject) {
  for (const std::string choice : {R"("required")", R"({"type":"function","function":{"name":"e"}})"}) {
    auto parsed = parse_chat_request(R"({"model":"m","messages":[{"role":"user","content":"Now?"}],"tool_choice":)" +
                                         choice + R"(,"tools":[{"type":"function","function":{"name":"e","parameters":{}}}]})",
                                     {});
    auto request = std::get<completion_request>(parsed);
    ASSERT_TRUE(std::holds_alternative<std::string>(render_chat_prompt(chat::template_family::qwen3, request)));
    auto compiled = model::compile_json_schema(request.output.schema, request.output.prefix, request.output.suffix);
    ASSERT_TRUE(compiled.ok()) << request.output.schema;
    const auto accepts = [&](std::string_view call) {
      model::json_schema_prefix reader(*compiled);
      return reader.feed(request.output.prefix) && reader.feed(call) && reader.feed(request.output.suffix) &&
             reader.complete();
    };
    EXPECT_TRUE(accepts(R"({"name": "e", "arguments": {}})")) << request.output.schema;
    for (const char* not_an_object : {R"({"name": "e", "arguments": ""})", R"({"name": "e", "arguments": []})",
                                      R"({"name": "e", "arguments": 1})"}) {
      EXPECT_FALSE(accepts(not_an_object)) << not_an_object << " under " << request.output.schema;
    }
  }
}

// Parameters whose top level is an anyOf, $ref, enum or const (no "type") may allow other values
// than objects; a forced call's arguments are still only objects — the alternatives' objects — and
// parameters that allow no object at all are a 400 naming `tools`.
TEST(ChatPrompt, AForcedCallOfAToolWithATopLevelAnyOfWritesOnlyObjects) {
  const auto forced = [](const std::string& parameters) {
    auto parsed = parse_chat_request(R"({"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":"required",)"
                                     R"("tools":[{"type":"function","function":{"name":"f","parameters":)" + parameters + "}}]}",
                                     {});
    auto request = std::get<completion_request>(parsed);
    EXPECT_TRUE(std::holds_alternative<std::string>(render_chat_prompt(chat::template_family::qwen3, request)));
    return request;
  };
  for (const std::string parameters :
       {R"({"anyOf":[{"type":"string"},{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}]})",
        R"({"$ref":"#/$defs/u","$defs":{"u":{"anyOf":[{"type":"integer"},{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}]}}})",
        R"({"enum":["s",1,{"a":1}]})"}) {
    auto request = forced(parameters);
    EXPECT_FALSE(check_output_rules(request).has_value()) << parameters;
    auto compiled = model::compile_json_schema(request.output.schema, request.output.prefix, request.output.suffix);
    ASSERT_TRUE(compiled.ok()) << request.output.schema << ": " << compiled.err().message;
    const auto accepts = [&](std::string_view call) {
      model::json_schema_prefix reader(*compiled);
      return reader.feed(request.output.prefix) && reader.feed(call) && reader.feed(request.output.suffix) &&
             reader.complete();
    };
    EXPECT_TRUE(accepts(R"({"name": "f", "arguments": {"a":1}})")) << request.output.schema;  // enum values: compact
    for (const char* not_an_object : {R"({"name": "f", "arguments": "s"})", R"({"name": "f", "arguments": 1})"}) {
      EXPECT_FALSE(accepts(not_an_object)) << not_an_object << " under " << request.output.schema;
    }
  }
  for (const std::string none : {R"({"anyOf":[{"type":"string"},{"type":"integer"}]})", R"({"enum":["s",1]})"}) {
    const auto refused = check_output_rules(forced(none));
    ASSERT_TRUE(refused.has_value()) << none;
    EXPECT_EQ(refused->status, 400);
    EXPECT_EQ(refused->param, "tools");
  }
}

// A tool's parameters are their own schema document: "#/$defs/..." (pydantic's nested models) means
// their $defs, wherever the forced call's schema puts them.
TEST(ChatPrompt, AForcedCallResolvesTheParametersOwnDefs) {
  auto parsed = parse_chat_request(
      R"({"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":"required","tools":[)"
      R"({"type":"function","function":{"name":"now"}},{"type":"function","function":{"name":"ship","parameters":)"
      R"({"type":"object","properties":{"to":{"$ref":"#/$defs/Address"}},"required":["to"],"$defs":{"Address":)"
      R"({"type":"object","properties":{"city":{"enum":["Oslo","Rome"]}},"required":["city"]}}}}}]})",
      {});
  auto request = std::get<completion_request>(parsed);
  ASSERT_TRUE(std::holds_alternative<std::string>(render_chat_prompt(chat::template_family::qwen3, request)));
  EXPECT_FALSE(check_output_rules(request).has_value()) << request.output.schema;
  auto compiled = model::compile_json_schema(request.output.schema, request.output.prefix, request.output.suffix);
  ASSERT_TRUE(compiled.ok()) << compiled.err().message;
  model::json_schema_prefix reader(*compiled);
  EXPECT_TRUE(reader.feed(request.output.prefix) && reader.feed(R"({"name": "ship", "arguments": {"to": {"city": "Oslo"}}})") &&
              reader.feed(request.output.suffix) && reader.complete());
}

// A forced call's arguments keep the parameters' numbers as the client wrote them: minimum
// 0.1000000000000000000001 refuses 0.1 (its nearest double's bound would take it), exclusiveMaximum
// 0.3000000000000000000001 takes 0.3 (its double's would refuse it), in every tool of an anyOf.
TEST(ChatPrompt, AForcedCallKeepsTheParametersNumbersAsWritten) {
  const std::string parameters = R"({"type":"object","properties":{"x":{"type":"number","minimum":0.1000000000000000000001,)"
                                 R"("exclusiveMaximum":0.3000000000000000000001}},"required":["x"]})";
  for (const std::string choice : {R"("required")", R"({"type":"function","function":{"name":"b"}})"}) {
    auto parsed = parse_chat_request(R"({"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":)" + choice +
                                         R"(,"tools":[{"type":"function","function":{"name":"a","parameters":)" + parameters +
                                         R"(}},{"type":"function","function":{"name":"b","parameters":)" + parameters + "}}]}",
                                     {});
    auto request = std::get<completion_request>(parsed);
    ASSERT_TRUE(std::holds_alternative<std::string>(render_chat_prompt(chat::template_family::qwen3, request)));
    EXPECT_FALSE(check_output_rules(request).has_value()) << request.output.schema;
    auto compiled = model::compile_json_schema(request.output.schema, request.output.prefix, request.output.suffix);
    ASSERT_TRUE(compiled.ok()) << compiled.err().message;
    const auto accepts = [&](const std::string& name, const std::string& x) {
      model::json_schema_prefix reader(*compiled);
      return reader.feed(request.output.prefix) && reader.feed(R"({"name": ")" + name + R"(", "arguments": {"x": )" + x + "}}") &&
             reader.feed(request.output.suffix) && reader.complete();
    };
    EXPECT_TRUE(accepts("b", "0.3")) << request.output.schema;
    EXPECT_TRUE(accepts("b", "0.2"));
    EXPECT_FALSE(accepts("b", "0.1")) << request.output.schema;
    EXPECT_FALSE(accepts("b", "0.300000000000001"));
    const bool both = choice == R"("required")";
    EXPECT_EQ(accepts("a", "0.3"), both);
    EXPECT_FALSE(accepts("a", "0.1"));
  }
}

// The model sees an earlier call's arguments as the client wrote them, whether as text (OpenAI's
// way) or as an object: keys in their order, numbers past a double's precision digit for digit.
TEST(ChatPrompt, AnEarlierCallsArgumentsAreShownAsTheClientWroteThem) {
  const std::string arguments = R"({"zeta":12345678901234567890123,"alpha":0.1000000000000000000001,"mid":[2.5,{"y":1,"x":2}]})";
  const std::string shown = R"({"zeta": 12345678901234567890123, "alpha": 0.1000000000000000000001, "mid": [2.5, {"y": 1, "x": 2}]})";
  const std::string as_text = nlohmann::json(arguments).dump();
  for (const std::string& sent : {as_text, arguments}) {
    for (const auto family : {chat::template_family::qwen3, chat::template_family::qwen2_5, chat::template_family::llama3_1}) {
      auto parsed = parse_chat_request(
          R"({"model":"m","messages":[{"role":"user","content":"x"},{"role":"assistant","content":null,"tool_calls":[)"
          R"({"id":"call_1","type":"function","function":{"name":"f","arguments":)" + sent + R"(}}]},)"
          R"({"role":"tool","tool_call_id":"call_1","content":"42"}],"tools":[{"type":"function","function":{"name":"f"}}]})",
          {});
      ASSERT_TRUE(std::holds_alternative<completion_request>(parsed)) << std::get<api_error>(parsed).message;
      auto request = std::get<completion_request>(parsed);
      auto prompt = render_chat_prompt(family, request);
      ASSERT_TRUE(std::holds_alternative<std::string>(prompt));
      EXPECT_NE(std::get<std::string>(prompt).find(shown), std::string::npos) << sent << "\n" << std::get<std::string>(prompt);
    }
  }
}

// Tool definitions are shown as sent too: their numbers digit for digit (keys kept in order, as
// the templates' tojson keeps them), and a float the client wrote as 2.0 as Python's json.dumps
// prints it, 2.0.
TEST(ChatPrompt, ToolDefinitionsAreShownAsTheClientWroteThem) {
  auto parsed = parse_chat_request(
      R"({"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f",)"
      R"("parameters":{"type":"object","properties":{"zeta":{"type":"number","minimum":0.1000000000000000000001,)"
      R"("maximum":12345678901234567890123},"alpha":{"type":"integer","default":2.0}}}}}]})",
      {});
  auto request = std::get<completion_request>(parsed);
  auto qwen = render_chat_prompt(chat::template_family::qwen3, request);
  ASSERT_TRUE(std::holds_alternative<std::string>(qwen));
  EXPECT_NE(std::get<std::string>(qwen).find(
                R"("properties": {"zeta": {"type": "number", "minimum": 0.1000000000000000000001, "maximum": )"
                R"(12345678901234567890123}, "alpha": {"type": "integer", "default": 2.0}})"),
            std::string::npos)
      << std::get<std::string>(qwen);
  auto llama = render_chat_prompt(chat::template_family::llama3_1, request);
  ASSERT_TRUE(std::holds_alternative<std::string>(llama));
  EXPECT_NE(std::get<std::string>(llama).find("\"minimum\": 0.1000000000000000000001,\n"
                                              "                    \"maximum\": 12345678901234567890123\n"),
            std::string::npos)
      << std::get<std::string>(llama);
}

TEST(ChatPrompt, FamiliesWithoutToolCallingRefuseTools) {
  auto request = with_tools(R"("auto")");
  auto refused = render_chat_prompt(chat::template_family::plain, request);
  ASSERT_TRUE(std::holds_alternative<api_error>(refused));
  EXPECT_EQ(std::get<api_error>(refused).param, "tools");
  EXPECT_EQ(std::get<api_error>(refused).status, 400);
  auto none = with_tools(R"("none")");
  EXPECT_TRUE(std::holds_alternative<std::string>(render_chat_prompt(chat::template_family::plain, none)));
}

TEST(ChatPrompt, ForcedCallsAndResponseFormatDoNotMix) {
  auto parsed = parse_chat_request(
      R"({"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":"required","response_format":)"
      R"({"type":"json_object"},"tools":[{"type":"function","function":{"name":"f"}}]})",
      {});
  auto request = std::get<completion_request>(parsed);
  auto refused = render_chat_prompt(chat::template_family::qwen3, request);
  ASSERT_TRUE(std::holds_alternative<api_error>(refused));
  EXPECT_EQ(std::get<api_error>(refused).param, "response_format");
}

}  // namespace
}  // namespace infergrid::http

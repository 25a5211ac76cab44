// Tool-call parsing (Qwen/Hermes blocks and Llama 3.1 JSON), whole and streamed piece by piece, and
// the tojson text templates print tools with.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "kernels/model/chat/jinja_json.hpp"
#include "kernels/model/chat/tool_call_parser.hpp"

namespace infergrid::chat {
namespace {

const tool_format hermes = tool_format_of(template_family::qwen3);
const tool_format llama = tool_format_of(template_family::llama3_1);

// The same text fed one byte at a time must give what parse_tool_calls gives at once.
parsed_reply streamed(const tool_format& format, std::string_view text) {
  tool_call_stream stream(format);
  parsed_reply out;
  for (const char c : text) out.content += stream.feed(std::string_view(&c, 1));
  out.content += stream.finish();
  out.calls = stream.take_calls();
  return out;
}

TEST(tool_call_parser, hermes_block_becomes_a_call) {
  const std::string text = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";
  for (const auto& reply : {parse_tool_calls(hermes, text), streamed(hermes, text)}) {
    ASSERT_EQ(reply.calls.size(), 1u);
    EXPECT_EQ(reply.calls[0].name, "get_weather");
    EXPECT_EQ(reply.calls[0].arguments, R"({"city":"Paris"})");
    EXPECT_EQ(reply.content, "");
  }
}

// The client gets the arguments' numbers as the model wrote them, not the nearest doubles (an enum
// value 0.1000000000000000000001 is not 0.1), whether written as an object or as a JSON string.
TEST(tool_call_parser, numbers_in_the_arguments_are_passed_on_as_written) {
  const std::string arguments = R"({"tenth":0.1000000000000000000001,"big":[12345678901234567890123,0.5]})";
  for (const std::string& written : {arguments, nlohmann::json(arguments).dump()}) {
    const std::string text = "<tool_call>\n{\"name\": \"f\", \"arguments\": " + written + "}\n</tool_call>";
    for (const auto& reply : {parse_tool_calls(hermes, text), streamed(hermes, text)}) {
      ASSERT_EQ(reply.calls.size(), 1u) << text;
      EXPECT_EQ(reply.calls[0].arguments, arguments);
    }
  }
  const auto llama_call = parse_tool_calls(llama, R"({"name": "g", "parameters": {"x": -99999999999999999999.5}})");
  ASSERT_EQ(llama_call.calls.size(), 1u);
  EXPECT_EQ(llama_call.calls[0].arguments, R"({"x":-99999999999999999999.5})");
}

TEST(tool_call_parser, hermes_text_before_and_parallel_calls) {
  const std::string text =
      "Let me check.\n<tool_call>\n{\"name\": \"a\", \"arguments\": {}}\n</tool_call>\n<tool_call>\n{\"name\": \"b\", "
      "\"arguments\": {\"x\": [1, 2]}}\n</tool_call>";
  const auto whole = parse_tool_calls(hermes, text);
  ASSERT_EQ(whole.calls.size(), 2u);
  EXPECT_EQ(whole.calls[1].name, "b");
  EXPECT_EQ(whole.calls[1].arguments, R"({"x":[1,2]})");
  EXPECT_EQ(whole.content, "Let me check.");
  const auto pieces = streamed(hermes, text);
  ASSERT_EQ(pieces.calls.size(), 2u);
  EXPECT_EQ(pieces.content.substr(0, 13), "Let me check.");
}

TEST(tool_call_parser, a_broken_block_stays_text) {
  for (const std::string text : {"<tool_call>\n{\"name\": 3}\n</tool_call>", "<tool_call>\n{not json\n</tool_call>",
                                 "<tool_call>\n{\"name\": \"f\", \"arguments\": {}}", "<tool_ca"}) {
    const auto whole = parse_tool_calls(hermes, text);
    EXPECT_TRUE(whole.calls.empty()) << text;
    EXPECT_EQ(whole.content, text);
    EXPECT_EQ(streamed(hermes, text).content, text);
  }
}

// A model's call whose arguments nest deeper than json_depth_max (whose copy and dump would
// recurse once per level) is no call: it stays text, as any broken block does.
TEST(tool_call_parser, a_call_nested_too_deep_stays_text) {
  const std::string deep(100000, '[');
  for (const std::string& arguments : {"{\"x\": " + deep + "}", "\"" + deep + "\""}) {
    const std::string text = "<tool_call>\n{\"name\": \"f\", \"arguments\": " + arguments + "}\n</tool_call>";
    const auto whole = parse_tool_calls(hermes, text);
    EXPECT_TRUE(whole.calls.empty());
    EXPECT_EQ(whole.content, text);
  }
  const std::string within = "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"x\": " + std::string(60, '[') +
                             std::string(60, ']') + "}}\n</tool_call>";
  EXPECT_EQ(parse_tool_calls(hermes, within).calls.size(), 1u);
}

TEST(tool_call_parser, a_partial_tag_is_held_back_until_decided) {
  tool_call_stream stream(hermes);
  EXPECT_EQ(stream.feed("Hello <tool"), "Hello ");
  EXPECT_EQ(stream.feed("box> there"), "<toolbox> there");
  EXPECT_EQ(stream.finish(), "");
}

TEST(tool_call_parser, llama_whole_reply_is_a_call) {
  const std::string text = R"({"name": "get_time", "parameters": {"zone": "UTC"}})";
  for (const auto& reply : {parse_tool_calls(llama, text), streamed(llama, text),
                            parse_tool_calls(llama, "<|python_tag|>" + text)}) {
    ASSERT_EQ(reply.calls.size(), 1u);
    EXPECT_EQ(reply.calls[0].name, "get_time");
    EXPECT_EQ(reply.calls[0].arguments, R"({"zone":"UTC"})");
    EXPECT_EQ(reply.content, "");
  }
  const auto two = parse_tool_calls(llama, text + "; " + R"({"name": "b", "parameters": {}})");
  EXPECT_EQ(two.calls.size(), 2u);
}

TEST(tool_call_parser, llama_plain_text_streams_at_once) {
  tool_call_stream stream(llama);
  EXPECT_EQ(stream.feed("  "), "");
  EXPECT_EQ(stream.feed("Hi"), "  Hi");
  EXPECT_EQ(stream.feed(" {\"name\": 1}"), " {\"name\": 1}");
  EXPECT_EQ(stream.finish(), "");
  EXPECT_TRUE(stream.take_calls().empty());
  const auto json_text = parse_tool_calls(llama, R"({"answer": 42})");
  EXPECT_TRUE(json_text.calls.empty());
  EXPECT_EQ(json_text.content, R"({"answer": 42})");
}

TEST(tool_call_parser, templates_without_tools_parse_nothing) {
  const auto reply = parse_tool_calls(tool_format_of(template_family::chatml), "<tool_call>\n{}\n</tool_call>");
  EXPECT_TRUE(reply.calls.empty());
  EXPECT_EQ(reply.content, "<tool_call>\n{}\n</tool_call>");
}

TEST(jinja_json, python_separators_and_numbers) {
  const auto value = nlohmann::ordered_json::parse(R"({"b": [1, 2.0, 1.5e-7, 1e21], "a": {}, "s": "é\n\u0001"})");
  EXPECT_EQ(jinja_tojson(value), "{\"b\": [1, 2.0, 1.5e-07, 1e+21], \"a\": {}, \"s\": \"é\\n\\u0001\"}");
  EXPECT_EQ(jinja_tojson(nlohmann::ordered_json::parse(R"({"a": [1], "e": []})"), 4),
            "{\n    \"a\": [\n        1\n    ],\n    \"e\": []\n}");
  EXPECT_EQ(arguments_tojson("not json"), "\"not json\"");
}

// Chat templates run under transformers' Jinja, whose tojson is Python's json.dumps(ensure_ascii=False):
// a float prints as Python's repr (1.0 stays 1.0, 1e-05, 1e+16, 1000000000000000.0), an integer as
// its digits. Before, numbers printed as JavaScript does (1.0 -> 1, 1.5e-7), so a tool call's
// `{"temperature": 1.0}` reached the prompt as `1` — not what the model saw for it in training.
// Each expected text is what python3 -c 'import json; print(json.dumps(json.loads(TEXT)))' prints.
TEST(jinja_json, numbers_print_as_python_json_dumps_prints_them) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"1", "1"}, {"1.0", "1.0"}, {"-0.0", "-0.0"}, {"0", "0"}, {"2.5", "2.5"}, {"100.0", "100.0"}, {"1e2", "100.0"},
      {"1.5e-7", "1.5e-07"}, {"0.0001", "0.0001"}, {"0.00001", "1e-05"}, {"1e15", "1000000000000000.0"},
      {"1234567890123456.0", "1234567890123456.0"}, {"1e16", "1e+16"}, {"1e21", "1e+21"}, {"1e+20", "1e+20"},
      {"123456789.125", "123456789.125"}, {"5e-324", "5e-324"}, {"1.7976931348623157e308", "1.7976931348623157e+308"},
      {"-1.25e-10", "-1.25e-10"}, {"3.14159", "3.14159"}, {"0.1", "0.1"}, {"1e22", "1e+22"},
      {"9007199254740993", "9007199254740993"}, {"18446744073709551615", "18446744073709551615"},
      {"-9223372036854775808", "-9223372036854775808"}};
  for (const auto& [text, python] : cases) {
    EXPECT_EQ(jinja_tojson(nlohmann::ordered_json::parse(text)), python) << text;
    EXPECT_EQ(arguments_tojson(R"({"x": )" + text + "}"), R"({"x": )" + python + "}") << text;
  }
  EXPECT_EQ(jinja_tojson(nlohmann::ordered_json::parse(R"({"a": [1.0, {"b": 2.5}], "c": {}})"), 2),
            "{\n  \"a\": [\n    1.0,\n    {\n      \"b\": 2.5\n    }\n  ],\n  \"c\": {}\n}");
}

// Strings as json.dumps(ensure_ascii=False) writes them (transformers' tojson): non-ASCII, DEL, U+2028
// and "/" as they are; quote, backslash and the control characters escaped (\b \f \n \r \t short,
// the others \u00xx in lower case).
TEST(jinja_json, strings_escape_as_python_json_dumps_with_ensure_ascii_false) {
  const std::string value = "é\n\x01\x7f\u2028\"\\/<>&\t\b\f\r\x1f";
  EXPECT_EQ(jinja_tojson(nlohmann::ordered_json(value)), "\"é\\n\\u0001\x7f\u2028\\\"\\\\/<>&\\t\\b\\f\\r\\u001f\"");
}

// Arguments are printed as sent: keys in their order, numbers a double does not hold digit for digit
// (the others as tojson prints them).
TEST(jinja_json, arguments_keep_their_key_order_and_their_numbers_as_written) {
  EXPECT_EQ(arguments_tojson(R"({"z":12345678901234567890123,"a":[0.1000000000000000000001,2.0,1e21]})"),
            R"({"z": 12345678901234567890123, "a": [0.1000000000000000000001, 2.0, 1e+21]})");
  const auto tool = nlohmann::ordered_json::parse(R"({"p": {"m": 0.1}})");
  EXPECT_EQ(jinja_tojson(tool, -1, {{"/3/p/m", "0.1000000000000000000001"}}, "/3"), R"({"p": {"m": 0.1000000000000000000001}})");
}

}  // namespace
}  // namespace infergrid::chat

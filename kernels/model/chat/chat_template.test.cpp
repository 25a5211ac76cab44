#include "kernels/model/chat/chat_template.hpp"

#include <gtest/gtest.h>

// Byte-for-byte agreement with the real templates is tested against Jinja in
// tests/tokenizer_conformance/chat_golden.test.cpp; these cover detection and the families that have no
// golden template there.
namespace infergrid::chat {
namespace {

const std::vector<chat_message> conversation = {
    {"system", "Be brief."}, {"user", "Hi"}, {"assistant", "Hello."}, {"user", "A story?"}};

TEST(ChatTemplate, DetectsFamilies) {
  EXPECT_EQ(detect_template(""), template_family::plain);
  EXPECT_EQ(detect_template("{% for m in messages %}<|im_start|>{{m.role}}"), template_family::chatml);
  EXPECT_EQ(detect_template("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud."), template_family::qwen2_5);
  EXPECT_EQ(detect_template("<|im_start|>... '</think>' in message.content"), template_family::qwen3);
  EXPECT_EQ(detect_template("<|start_header_id|>' + message['role']"), template_family::llama3);
  EXPECT_EQ(detect_template("<|start_header_id|> Cutting Knowledge Date: "), template_family::llama3_1);
  EXPECT_EQ(detect_template("{{'<｜User｜>' + c}}{{'<｜Assistant｜>'}}"), template_family::deepseek_r1);
  EXPECT_EQ(detect_template("{{ bos_token + '[INST] ' + content }}"), template_family::llama2);
  EXPECT_EQ(detect_template("<|user|>\n{{ m }}</s><|assistant|>"), template_family::zephyr);
  EXPECT_EQ(detect_template("{{ something unknown }}"), template_family::plain);
  EXPECT_EQ(to_string(template_family::qwen3), "qwen3");
  EXPECT_EQ(to_string(template_family::plain), "plain");
}

TEST(ChatTemplate, PlainDefault) {
  EXPECT_EQ(render_chat(template_family::plain, conversation),
            "Be brief.\n\nUser: Hi\nAssistant: Hello.\nUser: A story?\nAssistant:");
  EXPECT_EQ(render_chat(template_family::plain, {{"user", "Once upon"}}), "User: Once upon\nAssistant:");
}

TEST(ChatTemplate, ChatMl) {
  EXPECT_EQ(render_chat(template_family::chatml, {{"system", "S"}, {"user", "U"}}),
            "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n");
}

TEST(ChatTemplate, Llama2PutsSystemInFirstInst) {
  EXPECT_EQ(render_chat(template_family::llama2, conversation),
            "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello. </s>[INST] A story? [/INST]");
}

TEST(ChatTemplate, Zephyr) {
  EXPECT_EQ(render_chat(template_family::zephyr, {{"user", "U"}}), "<|user|>\nU</s>\n<|assistant|>\n");
}

TEST(ChatTemplate, Qwen3KeepsGivenReasoningOfTheLastTurn) {
  std::vector<chat_message> messages = {{"user", "Q"}, {"assistant", "A"}};
  messages[1].reasoning_content = "\nweighing it\n";
  EXPECT_EQ(render_chat(template_family::qwen3, messages, {.add_generation_prompt = false}),
            "<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n<think>\nweighing it\n</think>\n\nA<|im_end|>\n");
}

// The prompt of a request with float tool parameters and a history call with float arguments, as
// transformers renders Qwen3's own template (Python jinja2, tojson = json.dumps(ensure_ascii=False),
// the call's arguments JSON-decoded first as servers do): 1.0 stays 1.0, 1e-5 prints as 1e-05, "été"
// as is. Expected text: that render, byte for byte. Before, 1.0 reached the model as 1 and 1e-5 as 1e-5.
TEST(ChatTemplate, Qwen3PrintsToolNumbersAsTransformersDoes) {
  render_options options;
  options.tools = nlohmann::ordered_json::parse(
      R"([{"type": "function", "function": {"name": "sample", "description": "Sample text", "parameters": {"type": "object",
          "properties": {"temperature": {"type": "number", "minimum": 0.0, "maximum": 2.0, "default": 1.0},
                         "top_p": {"type": "number", "default": 1e-05}, "n": {"type": "integer", "default": 1}}}}}])");
  chat_message call{"assistant", ""};
  call.tool_calls.push_back({"call_1", "sample", R"({"temperature": 1.0, "top_p": 1e-5, "n": 2, "note": "été"})"});
  chat_message result{"tool", "ok"};
  result.tool_call_id = "call_1";
  EXPECT_EQ(render_chat(template_family::qwen3, {{"user", "Go"}, call, result}, options),
            "<|im_start|>system\n"
            "# Tools\n"
            "\n"
            "You may call one or more functions to assist with the user query.\n"
            "\n"
            "You are provided with function signatures within <tools></tools> XML tags:\n"
            "<tools>\n"
            "{\"type\": \"function\", \"function\": {\"name\": \"sample\", \"description\": \"Sample text\", \"parameters\": {\"type\": \"object\", \"properties\": {\"temperature\": {\"type\": \"number\", \"minimum\": 0.0, \"maximum\": 2.0, \"default\": 1.0}, \"top_p\": {\"type\": \"number\", \"default\": 1e-05}, \"n\": {\"type\": \"integer\", \"default\": 1}}}}}\n"
            "</tools>\n"
            "\n"
            "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n"
            "<tool_call>\n"
            "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n"
            "</tool_call><|im_end|>\n"
            "<|im_start|>user\n"
            "Go<|im_end|>\n"
            "<|im_start|>assistant\n"
            "<tool_call>\n"
            "{\"name\": \"sample\", \"arguments\": {\"temperature\": 1.0, \"top_p\": 1e-05, \"n\": 2, \"note\": \"été\"}}\n"
            "</tool_call><|im_end|>\n"
            "<|im_start|>user\n"
            "<tool_response>\n"
            "ok\n"
            "</tool_response><|im_end|>\n"
            "<|im_start|>assistant\n");
}

TEST(ChatTextHelpers, PythonStringSemantics) {
  EXPECT_EQ(render_chat(template_family::llama3, {{"user", " \n x \t"}}, {.add_generation_prompt = false}),
            "<|start_header_id|>user<|end_header_id|>\n\nx<|eot_id|>");
  EXPECT_EQ(render_chat(template_family::llama3, {{"user", "x"}}, {.add_generation_prompt = false, .write_bos = true}),
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nx<|eot_id|>");
}

}  // namespace
}  // namespace infergrid::chat

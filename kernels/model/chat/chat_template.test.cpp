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

TEST(ChatTextHelpers, PythonStringSemantics) {
  EXPECT_EQ(render_chat(template_family::llama3, {{"user", " \n x \t"}}, {.add_generation_prompt = false}),
            "<|start_header_id|>user<|end_header_id|>\n\nx<|eot_id|>");
  EXPECT_EQ(render_chat(template_family::llama3, {{"user", "x"}}, {.add_generation_prompt = false, .write_bos = true}),
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nx<|eot_id|>");
}

}  // namespace
}  // namespace infergrid::chat

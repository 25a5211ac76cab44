#include "actors/http_bridge/chat_template.hpp"
#include "actors/http_bridge/model_catalog.hpp"

#include <gtest/gtest.h>

namespace infergrid::http {
namespace {

const std::vector<chat_message> conversation = {
    {"system", "Be brief."}, {"user", "Hi"}, {"assistant", "Hello."}, {"user", "A story?"}};

TEST(ChatTemplate, DetectsFamilies) {
  EXPECT_EQ(detect_chat_template(""), chat_template_family::plain);
  EXPECT_EQ(detect_chat_template("{% for m in messages %}<|im_start|>{{m.role}}"), chat_template_family::chatml);
  EXPECT_EQ(detect_chat_template("<|start_header_id|>' + message['role']"), chat_template_family::llama3);
  EXPECT_EQ(detect_chat_template("{{ bos_token + '[INST] ' + content }}"), chat_template_family::llama2);
  EXPECT_EQ(detect_chat_template("<|user|>\n{{ m }}</s><|assistant|>"), chat_template_family::zephyr);
  EXPECT_EQ(detect_chat_template("{{ something unknown }}"), chat_template_family::plain);
}

TEST(ChatTemplate, PlainDefault) {
  EXPECT_EQ(render_chat(chat_template_family::plain, conversation),
            "Be brief.\n\nUser: Hi\nAssistant: Hello.\nUser: A story?\nAssistant:");
  EXPECT_EQ(render_chat(chat_template_family::plain, {{"user", "Once upon"}}), "User: Once upon\nAssistant:");
}

TEST(ChatTemplate, ChatMl) {
  EXPECT_EQ(render_chat(chat_template_family::chatml, {{"system", "S"}, {"user", "U"}}),
            "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n");
}

TEST(ChatTemplate, Llama2PutsSystemInFirstInst) {
  EXPECT_EQ(render_chat(chat_template_family::llama2, conversation),
            "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello. </s>[INST] A story? [/INST]");
}

TEST(ChatTemplate, Llama3AndZephyr) {
  EXPECT_EQ(render_chat(chat_template_family::llama3, {{"user", "U"}}),
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nU<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
  EXPECT_EQ(render_chat(chat_template_family::zephyr, {{"user", "U"}}), "<|user|>\nU</s>\n<|assistant|>\n");
}

TEST(ModelFacts, BundledModelHasNoTemplateAndAContextLength) {
  auto facts = read_model_facts("deploy/models/stories260k.gguf");
  ASSERT_TRUE(facts.ok()) << facts.err().message;
  EXPECT_EQ(facts->family, chat_template_family::plain);
  EXPECT_GT(facts->context_length, 0);
  EXPECT_FALSE(read_model_facts("/nonexistent.gguf").ok());
}

}  // namespace
}  // namespace infergrid::http

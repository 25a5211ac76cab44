// Byte-level BPE on a small hand-made vocabulary (no npm needed): merge order, special tokens, exact
// decoding, the end-of-generation set and the errors. Conformance with the real Qwen3 and Llama 3.1
// tokenizers is tests/tokenizer_conformance/bpe_conformance.test.cpp.
#include <gtest/gtest.h>

#include "kernels/model/byte_unicode.hpp"
#include "kernels/model/gguf_writer.hpp"
#include "kernels/model/pre_tokenizer.hpp"
#include "kernels/model/test_support.hpp"
#include "kernels/model/tokenizer.hpp"

namespace infergrid::model {
namespace {

constexpr std::int32_t normal = 1, control = 3, user_defined = 4;

// Ids 0..255: the byte alphabet in byte order; then merged tokens and two special tokens.
gguf_writer small_vocabulary(const std::string& pre) {
  std::vector<std::string> tokens;
  for (unsigned byte = 0; byte < 256; ++byte) tokens.emplace_back(byte_to_unicode(static_cast<unsigned char>(byte)));
  std::vector<std::int32_t> types(256, normal);
  const auto add = [&](std::string text, std::int32_t type) {
    tokens.push_back(std::move(text));
    types.push_back(type);
  };
  add("he", normal);                    // 256
  add("ll", normal);                    // 257
  add("hell", normal);                  // 258
  add("hello", normal);                 // 259
  add("\xC4\xA0w", normal);             // 260 "Ġw"
  add("<|im_end|>", control);           // 261
  add("<think>", user_defined);         // 262
  add("el", normal);                    // 263
  gguf_writer writer;
  writer.set_string("tokenizer.ggml.model", "gpt2");
  writer.set_string("tokenizer.ggml.pre", pre);
  writer.set_string_array("tokenizer.ggml.tokens", tokens);
  writer.set_i32_array("tokenizer.ggml.token_type", types);
  // "l l" outranks "e l", so "hello" merges h+e, l+l, he+ll, hell+o (and never e+l).
  const std::vector<std::string> merges = {"h e", "l l", "e l", "he ll", "hell o", "\xC4\xA0 w"};
  writer.set_string_array("tokenizer.ggml.merges", merges);
  writer.set_u32("tokenizer.ggml.eos_token_id", 261);
  return writer;
}

result<tokenizer> load(const gguf_writer& writer) {
  const std::string path = testing_support::temp_path("bpe_vocabulary.gguf");
  IG_TRY(writer.write(path));
  auto file = gguf_file::open(path);
  if (!file) return file.err();
  return tokenizer::from_gguf(*file);
}

TEST(bpe_tokenizer, merges_by_rank_and_splits_special_tokens) {
  auto t = load(small_vocabulary("qwen2"));
  ASSERT_TRUE(t.ok()) << t.err().message;
  EXPECT_EQ(t->model_name(), "gpt2");
  EXPECT_FALSE(t->add_bos());
  const std::vector<token_id> ids = t->encode("hello world<|im_end|><think>");
  EXPECT_EQ(ids, (std::vector<token_id>{259, 260, 'o', 'r', 'l', 'd', 261, 262}));
  EXPECT_EQ(t->decode(ids), "hello world<think>");
  EXPECT_EQ(t->decode(ids, /*render_special=*/true), "hello world<|im_end|><think>");
  EXPECT_EQ(t->encode("hel"), (std::vector<token_id>{256, 'l'}));
  EXPECT_TRUE(t->is_end_of_generation(261));
  EXPECT_FALSE(t->is_end_of_generation(259));
}

TEST(bpe_tokenizer, bytes_outside_ascii_round_trip) {
  auto t = load(small_vocabulary("llama-bpe"));
  ASSERT_TRUE(t.ok()) << t.err().message;
  EXPECT_FALSE(t->add_bos());  // llama-bpe adds BOS by default, but this vocabulary names no BOS id
  for (const std::string& text : {std::string("caf\xC3\xA9 \xF0\x9F\x98\x80\n\n  \t1234"), std::string("\0x\xFF", 3)}) {
    const auto ids = t->encode(text);
    EXPECT_EQ(t->decode(ids), is_valid_utf8(text) ? text : valid_utf8(text));
  }
}

TEST(bpe_tokenizer, pre_tokenizers_split_like_the_models) {
  auto qwen = pre_tokenizer::create("qwen2");
  auto llama = pre_tokenizer::create("llama-bpe");
  ASSERT_TRUE(qwen.ok() && llama.ok());
  std::vector<std::string_view> pieces;
  qwen->split("Hello world  123 it's\n\n", pieces);
  EXPECT_EQ(pieces, (std::vector<std::string_view>{"Hello", " world", " ", " ", "1", "2", "3", " it", "'s", "\n\n"}));
  pieces.clear();
  llama->split("1234567 IT'S", pieces);
  EXPECT_EQ(pieces, (std::vector<std::string_view>{"123", "456", "7", " IT", "'S"}));
}

TEST(bpe_tokenizer, errors_name_what_is_supported) {
  auto unknown_pre = load(small_vocabulary("starcoder"));
  ASSERT_FALSE(unknown_pre.ok());
  EXPECT_NE(unknown_pre.err().message.find("tokenizer.ggml.pre 'starcoder' is not supported"), std::string::npos);
  EXPECT_NE(unknown_pre.err().message.find("qwen2"), std::string::npos);
  gguf_writer other = small_vocabulary("qwen2");
  other.set_string("tokenizer.ggml.model", "bert");
  auto unknown_model = load(other);
  ASSERT_FALSE(unknown_model.ok());
  EXPECT_NE(unknown_model.err().message.find("supported: llama, gpt2"), std::string::npos);
  gguf_writer bad_id = small_vocabulary("qwen2");
  bad_id.set_u32("tokenizer.ggml.eot_token_id", 100000);
  EXPECT_FALSE(load(bad_id).ok());
}

}  // namespace
}  // namespace infergrid::model

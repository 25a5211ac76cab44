#include "kernels/model/tokenizer.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "kernels/model/random_llama.hpp"
#include "kernels/model/test_support.hpp"

namespace infergrid::model {
namespace {

using testing_support::stories260k_path;
using testing_support::temp_path;

class stories_tokenizer : public testing_support::stories_tokenizer_suite {};

// Expected ids derived independently with llama2.c's run.c encode() (greedy best-score pair merging)
// over tok512's pieces and scores: e.g. "▁Once" is 403, "▁upon" 407, "▁a" 261, "▁time" 378.
TEST_F(stories_tokenizer, known_tokenizations) {
  EXPECT_EQ(vocab().encode("Once upon a time"), (std::vector<token_id>{1, 403, 407, 261, 378}));
  EXPECT_EQ(vocab().encode("Hello world"), (std::vector<token_id>{1, 346, 306, 414, 263, 304, 341}));
  EXPECT_EQ(vocab().encode("The cat sat on the mat."),
            (std::vector<token_id>{1, 291, 280, 294, 262, 294, 353, 265, 284, 294, 426}));
  EXPECT_EQ(vocab().encode("  two  spaces"),
            (std::vector<token_id>{1, 410, 410, 259, 424, 414, 410, 262, 427, 412, 331, 419}));
  // 😀 and 日本 are not in the 512-token vocabulary: they fall back to UTF-8 byte tokens (byte + 3).
  EXPECT_EQ(vocab().encode("emoji 😀 and 日本"),
            (std::vector<token_id>{1, 344, 423, 414, 449, 417, 410, 0xF0 + 3, 0x9F + 3, 0x98 + 3, 0x80 + 3, 269, 410,
                                   0xE6 + 3, 0x97 + 3, 0xA5 + 3, 0xE6 + 3, 0x9C + 3, 0xAC + 3}));
  EXPECT_EQ(vocab().encode(""), (std::vector<token_id>{1}));
  EXPECT_EQ(vocab().encode("Once", false), (std::vector<token_id>{403}));
}

TEST_F(stories_tokenizer, special_ids_and_pieces) {
  EXPECT_EQ(vocab().vocab_size(), 512u);
  EXPECT_EQ(vocab().bos_id(), 1);
  EXPECT_EQ(vocab().eos_id(), 2);
  EXPECT_EQ(vocab().unknown_id(), 0);
  EXPECT_TRUE(vocab().add_bos());
  EXPECT_TRUE(vocab().is_end_of_generation(2));
  EXPECT_TRUE(vocab().is_control(1));
  EXPECT_EQ(vocab().token_to_piece(1), "");
  EXPECT_EQ(vocab().token_to_piece(403), " Once");
  EXPECT_EQ(vocab().token_to_piece(0x41 + 3), "A");
  EXPECT_EQ(vocab().token_to_piece(100000), "");
}

TEST_F(stories_tokenizer, decode_strips_leading_space_after_bos) {
  EXPECT_EQ(vocab().decode(std::vector<token_id>{1, 403, 407, 261, 378}), "Once upon a time");
  EXPECT_EQ(vocab().decode(std::vector<token_id>{403, 407}), "Once upon");
}

TEST_F(stories_tokenizer, round_trips_arbitrary_utf8) {
  const std::vector<std::string> texts = {
      "Once upon a time, there was a little girl named Lily.",
      "Tabs\tand\nnewlines\r\n and  double  spaces ",
      "emoji 😀🎉 and CJK 日本語 and accents: café naïve",
      "Ünïcödé ∑ ∫ → ✓ 𝄞",
      "<s> is not special here </s>",
      "a",
  };
  for (const std::string& text : texts) {
    EXPECT_EQ(vocab().decode(vocab().encode(text)), text) << text;
  }
}

TEST_F(stories_tokenizer, round_trips_random_bytes_of_valid_utf8) {
  std::mt19937 rng(5);
  const std::vector<std::string> alphabet = {"a", "b", " ", "e", "th", "é", "日", "😀", ".", "\n", "Z", "\x7f"};
  for (int round = 0; round < 200; ++round) {
    std::string text;
    const int length = std::uniform_int_distribution<int>(1, 30)(rng);
    for (int i = 0; i < length; ++i) text += alphabet[rng() % alphabet.size()];
    EXPECT_EQ(vocab().decode(vocab().encode(text)), text) << text;
  }
}

// llama2.c's encode(): rescan for the best-scoring adjacent pair (leftmost on ties), merge, repeat. A
// different algorithm from the tokenizer's heap, used as an oracle.
std::vector<token_id> rescanning_encode(const tokenizer& vocab, const gguf_file& file, const std::string& text) {
  const std::vector<float> scores = file.get_f32_array("tokenizer.ggml.scores").value();
  std::map<std::string, token_id> ids;
  for (std::size_t i = 0; i < vocab.vocab_size(); ++i) ids.emplace(vocab.token_text(static_cast<token_id>(i)), i);
  std::string escaped = "\xE2\x96\x81";
  for (char c : text) escaped += c == ' ' ? std::string("\xE2\x96\x81") : std::string(1, c);
  std::vector<std::string> pieces;
  for (std::size_t i = 0; i < escaped.size();) {
    const auto lead = static_cast<unsigned char>(escaped[i]);
    const std::size_t n = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    pieces.push_back(escaped.substr(i, n));
    i += n;
  }
  for (;;) {
    float best_score = -1e30f;
    std::size_t best = pieces.size();
    for (std::size_t i = 0; i + 1 < pieces.size(); ++i) {
      const auto it = ids.find(pieces[i] + pieces[i + 1]);
      if (it != ids.end() && scores[static_cast<std::size_t>(it->second)] > best_score) {
        best_score = scores[static_cast<std::size_t>(it->second)];
        best = i;
      }
    }
    if (best == pieces.size()) break;
    pieces[best] += pieces[best + 1];
    pieces.erase(pieces.begin() + static_cast<std::ptrdiff_t>(best) + 1);
  }
  std::vector<token_id> out = {vocab.bos_id()};
  for (const std::string& piece : pieces) {
    const auto it = ids.find(piece);
    if (it != ids.end()) {
      out.push_back(it->second);
      continue;
    }
    for (char c : piece) out.push_back(static_cast<token_id>(static_cast<unsigned char>(c)) + 3);
  }
  return out;
}

TEST_F(stories_tokenizer, agrees_with_a_rescanning_oracle_on_random_text) {
  auto file = gguf_file::open(stories260k_path());
  ASSERT_TRUE(file.ok());
  std::mt19937 rng(29);
  const std::vector<std::string> alphabet = {"the", " ", "a", "e", "s", "t", "in", "g", "Lily", ".", ",", "Once",
                                             "ou", "x", "Q", "é", "日", "😀", "'", "\"", "ll", "o", "he", "w"};
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const int length = std::uniform_int_distribution<int>(1, 25)(rng);
    for (int i = 0; i < length; ++i) text += alphabet[rng() % alphabet.size()];
    EXPECT_EQ(vocab().encode(text), rescanning_encode(vocab(), *file, text)) << text;
  }
}

TEST_F(stories_tokenizer, stream_holds_back_split_utf8) {
  text_stream stream(vocab());
  const std::vector<token_id> tokens = vocab().encode("a 😀 b");
  std::string streamed;
  bool held_back = false;
  for (token_id token : tokens) {
    const std::string part = stream.push(token);
    if (token == 0xF0 + 3) held_back = part.empty();
    // Never emit a partial sequence: a chunk holds the emoji's lead byte only together with the emoji.
    if (part.find('\xF0') != std::string::npos) {
      EXPECT_NE(part.find("😀"), std::string::npos) << part;
    }
    streamed += part;
  }
  streamed += stream.finish();
  EXPECT_TRUE(held_back);
  EXPECT_EQ(streamed, "a 😀 b");
}

TEST(tokenizer, works_on_generated_vocabulary) {
  random_llama_options o = testing_support::tiny_llama_options();
  o.n_vocab = 2000;
  const std::string path = temp_path("tokenizer_random.gguf");
  ASSERT_TRUE(write_random_llama(path, o).ok());
  auto file = gguf_file::open(path);
  ASSERT_TRUE(file.ok());
  auto t = tokenizer::from_gguf(*file);
  ASSERT_TRUE(t.ok()) << t.err().message;
  EXPECT_EQ(t->vocab_size(), 2000u);
  const std::string text = "Once upon a time, there was a little dog named Max. 日本 😀";
  const std::vector<token_id> ids = t->encode(text);
  EXPECT_EQ(t->decode(ids), text);
  // Learned merges make common words single tokens.
  EXPECT_LT(ids.size(), 40u);
  EXPECT_EQ(t->encode("the", false).size(), 1u);
}

TEST(tokenizer, rejects_other_tokenizer_models) {
  gguf_writer writer;
  writer.set_string("tokenizer.ggml.model", "gpt2");
  const std::string path = temp_path("tokenizer_gpt2.gguf");
  ASSERT_TRUE(writer.write(path).ok());
  auto file = gguf_file::open(path);
  ASSERT_TRUE(file.ok());
  auto t = tokenizer::from_gguf(*file);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.err().code, error_code::unsupported);
}

}  // namespace
}  // namespace infergrid::model

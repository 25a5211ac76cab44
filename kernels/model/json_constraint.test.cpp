// json_prefix against nlohmann::json on valid documents, mutations of them and known-bad texts;
// json_token_mask on the stories260k vocabulary: a valid object's own tokens are always allowed,
// and draws from random logits under the mask only ever end in an object that parses.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "kernels/model/json_token_mask.hpp"
#include "kernels/model/test_support.hpp"

namespace infergrid::model {
namespace {

bool accepts_whole(std::string_view text) {
  json_prefix p;
  return p.feed(text) && p.complete();
}

// A prefix that fed without a refusal.
bool accepts_prefix(std::string_view text) {
  json_prefix p;
  return p.feed(text);
}

const std::vector<std::string> valid = {
    R"({})",
    R"( { })",
    R"({"a":1})",
    R"({"a": -0.5e+1, "b": [true, false, null, 0, -0, 12.25, 1E5, 3e-2], "c": {"d": {}}})",
    R"({"text": "quote \" backslash \\ slash \/ \b\f\n\r\t \u00e9 \uD83D\uDE00", "ünï": "çødé 🙂"})",
    "{\n  \"list\": [\n    {\"x\": [], \"y\": [[]]},\n    \"s\"\n  ]\n}",
    R"({"":""})",
};

TEST(json_prefix, valid_objects_are_accepted_and_complete_only_at_the_end) {
  for (const std::string& text : valid) {
    ASSERT_TRUE(nlohmann::json::accept(text)) << text;
    json_prefix p;
    for (std::size_t i = 0; i < text.size(); ++i) {
      ASSERT_TRUE(p.feed(static_cast<unsigned char>(text[i]))) << text << " at " << i;
      const bool closes = text.find_first_not_of(" \n", i + 1) == std::string::npos;
      if (!closes) {
        EXPECT_FALSE(p.complete()) << text << " at " << i;
      }
    }
    EXPECT_TRUE(p.complete()) << text;
  }
}

TEST(json_prefix, invalid_texts_are_refused) {
  const std::vector<std::string> invalid = {
      "[1]", "1", "\"s\"", "{,}", R"({"a":1,})", R"({"a" 1})", R"({"a":01})", R"({"a":-})", R"({"a":1.})",
      R"({"a":1e})", R"({"a":tru})", R"({"a":nul })", "{'a':1}", R"({"a":1}})", R"({"a":1} x)", R"({"a":[1,]})",
      "{\"a\":\"\x01\"}", R"({"a":"\x"})", R"({"a":"\u12G4"})", R"({a:1})", R"({"a":+1})", R"({"a":.5})",
      R"({"a":1]})", R"({"a":[1}})", "{} ", R"({"a":"\uDE00"})", R"({"a":"\uD83Dx"})", R"({"a":"\uD83D\u0041"})",
      "{\"a\":\"\xC3\"}", "{\"a\":\"\xC0\xAF\"}", "{\"a\":\"\xED\xA0\x80\"}", "{\"a\":\"\xF5\x80\x80\x80\"}",
  };
  for (const std::string& text : invalid) {
    EXPECT_FALSE(accepts_whole(text)) << text;
  }
  std::string deep(json_prefix::max_depth + 1, '[');
  EXPECT_FALSE(accepts_prefix("{\"a\":" + deep));
  EXPECT_FALSE(accepts_prefix("{  "));
  EXPECT_FALSE(accepts_prefix("{ \n"));
  EXPECT_FALSE(accepts_prefix("{\n\n"));
  EXPECT_FALSE(accepts_prefix("{\r\n"));
  EXPECT_TRUE(accepts_prefix("{\n" + std::string(json_prefix::max_indent, ' ')));
  EXPECT_FALSE(accepts_prefix("{\n" + std::string(json_prefix::max_indent + 1, ' ')));
}

// Single-byte mutations of valid objects (whitespace at most single spaces, and no whitespace in
// the alphabet, so the whitespace rule cannot differ): the recogniser agrees with nlohmann.
TEST(json_prefix, agrees_with_nlohmann_on_mutated_objects) {
  std::mt19937 rng(42);
  const std::string alphabet = "{}[]\",:0123456789-+.eEtrufalsn\\/bu";
  int agreed = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text = valid[rng() % 5];  // the ones without newlines
    const std::size_t at = rng() % (text.size() + 1);
    const char c = alphabet[rng() % alphabet.size()];
    switch (rng() % 3) {
      case 0: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c); break;
      case 1: if (at < text.size()) text.erase(at, 1); break;
      default: if (at < text.size()) text[at] = c; break;
    }
    // Nothing may follow the closing brace; one mutation gives at most 2 exponent digits.
    bool reference = nlohmann::json::accept(text) && text.back() != ' ';
    if (reference) reference = nlohmann::json::parse(text).is_object();
    ASSERT_EQ(accepts_whole(text), reference) << text;
    ++agreed;
  }
  EXPECT_EQ(agreed, 20000);
}

class json_mask_on_stories : public testing_support::stories_tokenizer_suite {};

TEST_F(json_mask_on_stories, a_valid_objects_own_tokens_are_allowed_then_only_the_end) {
  const json_token_mask mask(vocab());
  for (const std::string& doc : valid) {
    // SentencePiece prefixes a space; a leading one of our own would make two (refused by design).
    const std::string text = doc.substr(doc.find('{'));
    const std::vector<token_id> tokens = vocab().encode(text, false);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      std::vector<float> logits(vocab().vocab_size(), 0.0f);
      mask.apply(std::span(tokens).first(i), logits);
      EXPECT_TRUE(std::isfinite(logits[static_cast<std::size_t>(tokens[i])])) << text << " token " << i;
      EXPECT_FALSE(std::isfinite(logits[static_cast<std::size_t>(vocab().eos_id())])) << text << " token " << i;
    }
    std::vector<float> logits(vocab().vocab_size(), 0.0f);
    mask.apply(tokens, logits);
    for (std::size_t id = 0; id < logits.size(); ++id) {
      EXPECT_EQ(std::isfinite(logits[id]), vocab().is_end_of_generation(static_cast<token_id>(id))) << text << " id " << id;
    }
  }
}

// Greedy draws from random logits under the mask: every text stays a JSON prefix, and each one
// that ends (an end token) parses as an object.
TEST_F(json_mask_on_stories, masked_draws_only_end_in_objects_that_parse) {
  const json_token_mask mask(vocab());
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  int ended = 0;
  for (int run = 0; run < 40; ++run) {
    std::vector<token_id> tokens;
    for (int step = 0; step < 300; ++step) {
      std::vector<float> logits(vocab().vocab_size());
      for (float& l : logits) l = normal(rng);
      for (const token_id end : vocab().end_of_generation_ids()) logits[static_cast<std::size_t>(end)] += 20.0f;  // end when allowed
      // Favour structure so objects close within the run.
      for (const char c : std::string("}]\",1")) {
        char byte_token[8];
        std::snprintf(byte_token, sizeof byte_token, "<0x%02X>", static_cast<unsigned char>(c));
        for (const token_id t : {vocab().find_token(byte_token), vocab().find_token(std::string(1, c))}) {
          if (t >= 0) logits[static_cast<std::size_t>(t)] += 4.0f;
        }
      }
      mask.apply(tokens, logits);
      const auto best = static_cast<token_id>(std::max_element(logits.begin(), logits.end()) - logits.begin());
      ASSERT_TRUE(std::isfinite(logits[static_cast<std::size_t>(best)]));
      if (vocab().is_end_of_generation(best)) {
        const std::string text = vocab().decode(tokens);
        std::string ids;
        for (const token_id t : tokens) ids += std::to_string(t) + "[" + vocab().token_to_piece(t) + "] ";
        ASSERT_TRUE(nlohmann::json::accept(text)) << text << " <- " << ids << " end " << best;
        EXPECT_TRUE(nlohmann::json::parse(text).is_object()) << text;
        ++ended;
        break;
      }
      tokens.push_back(best);
      json_prefix state;
      ASSERT_TRUE(mask.state_after(tokens, state)) << vocab().decode(tokens);
      // The mask's shortcuts (first-byte buckets, plain string pieces) against feeding every token.
      std::vector<float> fast(vocab().vocab_size(), 0.0f);
      mask.apply(state, fast);
      for (std::size_t id = 0; id < fast.size(); ++id) {
        const auto token = static_cast<token_id>(id);
        json_prefix next = state;
        const std::string piece = vocab().token_to_piece(token);
        const bool feedable = !vocab().is_control(token) && token != vocab().unknown_id() &&
                              !vocab().is_end_of_generation(token) && !piece.empty() && !state.complete();
        const bool expected = vocab().is_end_of_generation(token) ? state.complete() : feedable && next.feed(piece);
        ASSERT_EQ(std::isfinite(fast[id]), expected) << "token " << id << " after " << vocab().decode(tokens);
      }
    }
  }
  EXPECT_GT(ended, 0);
}

}  // namespace
}  // namespace infergrid::model

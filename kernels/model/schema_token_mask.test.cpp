// schema_token_mask on the stories260k vocabulary: a valid document's own tokens are always
// allowed and then only the end; 100 random schemas with random-logit draws under the mask all end
// in documents that parse and pass the independent checker, with the mask cross-checked against
// feeding every token on its own.
#include <gtest/gtest.h>

#include <regex>

#include "kernels/model/schema_mask_check.hpp"
#include "kernels/model/string_formats.hpp"
#include "kernels/model/test_support.hpp"

namespace infergrid::model {
namespace {

class schema_mask_on_stories : public testing_support::stories_tokenizer_suite {};

TEST_F(schema_mask_on_stories, a_valid_documents_own_tokens_are_allowed_then_only_the_end) {
  const schema_token_mask mask(vocab());
  schema_token_mask::scratch scratch;
  const std::vector<token_id> tokens = vocab().encode(R"(Answer: {"name":"Tom Cat","age":42,"tags":["a","b"]}.)", false);
  std::string bytes;  // what the mask sees (SentencePiece writes a space before the first word)
  for (const token_id t : tokens) bytes += vocab().token_to_piece(t);
  auto schema = compile_json_schema(
      R"({"type":"object","properties":{"name":{"type":"string","maxLength":12},"age":{"type":"integer","minimum":0,"maximum":120},"tags":{"type":"array","items":{"enum":["a","b"]}}},"required":["name","age","tags"],"additionalProperties":false})",
      bytes.substr(0, bytes.find('{')), ".");
  ASSERT_TRUE(schema.ok()) << schema.err().message;
  json_schema_prefix state(*schema);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::vector<float> logits(vocab().vocab_size(), 0.0f);
    mask.apply(state, logits, scratch);
    EXPECT_TRUE(std::isfinite(logits[static_cast<std::size_t>(tokens[i])])) << vocab().decode(std::span(tokens).first(i));
    EXPECT_FALSE(std::isfinite(logits[static_cast<std::size_t>(vocab().eos_id())]));
    ASSERT_TRUE(mask.advance(state, tokens[i]));
  }
  ASSERT_TRUE(state.complete());
  std::vector<float> logits(vocab().vocab_size(), 0.0f);
  mask.apply(state, logits, scratch);
  for (std::size_t id = 0; id < logits.size(); ++id) {
    EXPECT_EQ(std::isfinite(logits[id]), vocab().is_end_of_generation(static_cast<token_id>(id))) << id;
  }
}

TEST_F(schema_mask_on_stories, random_schemas_draw_only_valid_documents) {
  const schema_token_mask mask(vocab());
  const auto report = testing_support::generate_under_random_schemas(vocab(), mask, 2026, 100, 600, 3);
  testing_support::print_and_fail(report);
  EXPECT_EQ(report.schemas, 100);
  EXPECT_GE(report.ended, 95);
}

// Strings with a pattern or format: the mask equals feeding each token on its own (the plain-string
// shortcut follows the automaton's run, pattern_run.hpp), and every drawn document ends with a
// string the pattern matches (checked with std::regex's ECMAScript grammar).
TEST_F(schema_mask_on_stories, pattern_strings_draw_only_matching_strings) {
  const schema_token_mask mask(vocab());
  schema_token_mask::scratch scratch;
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  const token_id quote = vocab().find_token("<0x22>") >= 0 ? vocab().find_token("<0x22>") : vocab().find_token("\"");
  ASSERT_GE(quote, 0);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"pattern", "^[A-Z]{3}-[0-9]{2}$"}, {"pattern", "^(yes|no|maybe)$"}, {"pattern", "^[a-z]+( [a-z]+)*$"}, {"pattern", "b"},
      {"format", "date"}, {"format", "uuid"}, {"format", "ipv4"}, {"format", "email"}};
  int ended = 0, shortcuts = 0;
  for (const auto& [keyword, text] : cases) {
    const std::string pattern = keyword == "pattern" ? text : std::string(*format_pattern(text));
    auto schema = compile_json_schema(nlohmann::json{{"type", "string"}, {keyword, text}}.dump());
    ASSERT_TRUE(schema.ok()) << schema.err().message;
    for (int draw = 0; draw < 3; ++draw) {
      json_schema_prefix state(*schema);
      EXPECT_FALSE(state.in_plain_string().has_value());
      std::string written;
      for (int step = 0; step < 80; ++step) {
        ASSERT_EQ(testing_support::cross_check(vocab(), mask, state, scratch), "") << text << " after " << written;
        // Past an unanchored match (at a character boundary) what follows no longer matters.
        const bool matched = text == "b" && written.find('b') != std::string::npos;
        if (matched && state.in_plain_string().has_value() && state.in_plain_string()->moving.empty()) ++shortcuts;
        std::vector<float> logits(vocab().vocab_size());
        for (float& l : logits) l = normal(rng);
        for (const token_id end : vocab().end_of_generation_ids()) logits[static_cast<std::size_t>(end)] += 40.0f;
        logits[static_cast<std::size_t>(quote)] += 8.0f;
        mask.apply(state, logits, scratch);
        const auto best = static_cast<token_id>(std::max_element(logits.begin(), logits.end()) - logits.begin());
        ASSERT_TRUE(std::isfinite(logits[static_cast<std::size_t>(best)])) << text << ": no token after " << written;
        if (vocab().is_end_of_generation(best)) {
          ASSERT_TRUE(state.complete()) << written;
          const std::string decoded = nlohmann::json::parse(written).get<std::string>();
          EXPECT_TRUE(std::regex_search(decoded, std::regex(pattern, std::regex::ECMAScript))) << pattern << " vs " << decoded;
          ++ended;
          break;
        }
        ASSERT_TRUE(mask.advance(state, best));
        written += vocab().token_to_piece(best);
      }
    }
  }
  EXPECT_GE(ended, 20);
  EXPECT_GT(shortcuts, 0);
}

// Permissive patterns (most characters keep the automaton on one run: `.*`, a counted `[^"]`):
// the plain tokens without a moving character are decided by their count, and the mask still
// equals feeding each token on its own, lengths beside the pattern included.
TEST_F(schema_mask_on_stories, permissive_patterns_decide_plain_tokens_by_count_exactly) {
  const schema_token_mask mask(vocab());
  schema_token_mask::scratch scratch;
  std::mt19937 rng(11);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const std::vector<std::string> schemas = {
      R"({"type":"string","pattern":"^.*$"})",
      R"({"type":"string","pattern":"^[^\"]{0,40}$"})",
      R"({"type":"string","pattern":"^[^\"]*$","minLength":12,"maxLength":30})",
      R"({"type":"string","pattern":"^.{3,20}x$"})",
      R"({"type":"string","pattern":"^(.{0,6}|e+)$","maxLength":25})",
  };
  int shortcuts = 0;
  for (const std::string& text : schemas) {
    auto schema = compile_json_schema(text);
    ASSERT_TRUE(schema.ok()) << text << ": " << schema.err().message;
    for (int draw = 0; draw < 3; ++draw) {
      json_schema_prefix state(*schema);
      std::string written;
      for (int step = 0; step < 40; ++step) {
        ASSERT_EQ(testing_support::cross_check(vocab(), mask, state, scratch), "") << text << " after " << written;
        const auto plain = state.in_plain_string();
        if (plain && !plain->moving.empty() && plain->room > 0) ++shortcuts;
        std::vector<float> logits(vocab().vocab_size());
        for (float& l : logits) l = normal(rng);
        for (const token_id end : vocab().end_of_generation_ids()) logits[static_cast<std::size_t>(end)] += 40.0f;
        mask.apply(state, logits, scratch);
        const auto best = static_cast<token_id>(std::max_element(logits.begin(), logits.end()) - logits.begin());
        ASSERT_TRUE(std::isfinite(logits[static_cast<std::size_t>(best)])) << text << ": no token after " << written;
        if (vocab().is_end_of_generation(best)) {
          ASSERT_TRUE(state.complete()) << written;
          break;
        }
        ASSERT_TRUE(mask.advance(state, best));
        written += vocab().token_to_piece(best);
      }
    }
  }
  EXPECT_GT(shortcuts, 20);
}


// Broad-but-not-all classes (`^[a-zA-Z ]*$`: most characters leave, most tokens fit): plain tokens
// decided by their characters' buckets give exactly the trie walk's mask, and feeding's, at every
// step of random draws.
TEST_F(schema_mask_on_stories, broad_class_patterns_decide_plain_tokens_by_buckets_exactly) {
  const schema_token_mask fast(vocab(), {.plain_buckets = true, .plain_buckets_always = true, .plain_walk = true, .plain_tables = false});
  const schema_token_mask slow(vocab(), testing_support::walk_only);
  const auto report = testing_support::compare_under_patterns(vocab(), fast, slow, testing_support::broad_class_pattern_schemas(), 5, 3, 30,
                                                              schema_token_mask::method::plain_buckets);
  testing_support::print_and_fail(report, "buckets");
}

// Patterns no run decides and whose buckets leave many tokens undecided (words separated by
// spaces: `^[A-Z][a-z]+( [A-Z][a-z]+)*$`), and the broad classes too: plain tokens walked with
// plain_pattern_walker give exactly the recogniser's trie walk mask, and feeding's, at every step of
// random draws.
TEST_F(schema_mask_on_stories, word_patterns_walk_plain_tokens_with_the_small_state_exactly) {
  const schema_token_mask fast(vocab(), {.plain_buckets = false, .plain_buckets_always = false, .plain_walk = true, .plain_tables = false});
  const schema_token_mask slow(vocab(), testing_support::walk_only);
  std::vector<std::string> schemas = testing_support::word_pattern_schemas();
  for (const std::string& schema : testing_support::broad_class_pattern_schemas()) schemas.push_back(schema);
  const auto report = testing_support::compare_under_patterns(vocab(), fast, slow, schemas, 9, 3, 30, schema_token_mask::method::plain_walk);
  testing_support::print_and_fail(report, "the plain walk");
}

// The same patterns, plain tokens decided by each automaton state's table of end states
// (plain_end_states.hpp), one scratch across every schema and draw (so a table kept from one schema
// never answers for another): exactly the recogniser's trie walk mask, and feeding's.
TEST_F(schema_mask_on_stories, word_patterns_decide_plain_tokens_by_end_state_tables_exactly) {
  const schema_token_mask fast(vocab(), {.plain_buckets = false, .plain_buckets_always = false, .plain_walk = false, .plain_tables = true});
  const schema_token_mask slow(vocab(), testing_support::walk_only);
  std::vector<std::string> schemas = testing_support::word_pattern_schemas();
  for (const std::string& schema : testing_support::broad_class_pattern_schemas()) schemas.push_back(schema);
  const auto report = testing_support::compare_under_patterns(vocab(), fast, slow, schemas, 11, 3, 30, schema_token_mask::method::plain_tables);
  testing_support::print_and_fail(report, "the end-state tables");
}

}  // namespace
}  // namespace infergrid::model

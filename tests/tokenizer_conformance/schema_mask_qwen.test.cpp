// schema_token_mask on the real 151,936-token Qwen3 vocabulary (the tiny GGUF make_fixtures.sh
// writes): 100 random schemas, random-logit draws under the mask, every output parses and passes the
// independent schema checker; the mask is cross-checked against feeding each token on its own; and
// broad-class patterns decided by buckets match the trie walk.
#include <gtest/gtest.h>

#include "kernels/model/gguf_file.hpp"
#include "kernels/model/schema_mask_check.hpp"

namespace infergrid::model {
namespace {

result<tokenizer> load_qwen3() {
  auto file = gguf_file::open(std::string(INFERGRID_TOKENIZER_WORK_DIR) + "/qwen3-tiny.gguf");
  if (!file.ok()) return file.err();
  return tokenizer::from_gguf(*file);
}

TEST(schema_mask_on_qwen3, random_schemas_draw_only_valid_documents) {
  auto vocab = load_qwen3();
  ASSERT_TRUE(vocab.ok()) << vocab.err().message;
  ASSERT_EQ(vocab->vocab_size(), 151936u);
  const schema_token_mask mask(*vocab);
  const auto report = testing_support::generate_under_random_schemas(*vocab, mask, 151936, 100, 400, 25);
  testing_support::print_and_fail(report);
  EXPECT_EQ(report.schemas, 100);
  EXPECT_GE(report.ended, 90);
}


// Broad-but-not-all classes on a vocabulary with every script: the bucket decision (the wide
// buckets cut through the classes' ranges) gives exactly the trie walk's mask and feeding's.
TEST(schema_mask_on_qwen3, broad_class_patterns_decide_plain_tokens_by_buckets_exactly) {
  auto vocab = load_qwen3();
  ASSERT_TRUE(vocab.ok()) << vocab.err().message;
  const schema_token_mask fast(*vocab, {.plain_buckets = true, .plain_buckets_always = true, .plain_walk = true, .plain_tables = false});
  const schema_token_mask slow(*vocab, testing_support::walk_only);
  const auto report = testing_support::compare_under_patterns(*vocab, fast, slow, testing_support::broad_class_pattern_schemas(), 3, 2, 12,
                                                              schema_token_mask::method::plain_buckets);
  testing_support::print_and_fail(report, "buckets");
}

// Word patterns (`^[A-Z][a-z]+( [A-Z][a-z]+)*$`, escapes and non-ASCII classes, several threads)
// on a vocabulary with every script: plain tokens walked with plain_pattern_walker give exactly the
// recogniser's trie walk mask and feeding's.
TEST(schema_mask_on_qwen3, word_patterns_walk_plain_tokens_with_the_small_state_exactly) {
  auto vocab = load_qwen3();
  ASSERT_TRUE(vocab.ok()) << vocab.err().message;
  const schema_token_mask fast(*vocab, {.plain_buckets = false, .plain_buckets_always = false, .plain_walk = true, .plain_tables = false});
  const schema_token_mask slow(*vocab, testing_support::walk_only);
  const auto report = testing_support::compare_under_patterns(*vocab, fast, slow, testing_support::word_pattern_schemas(), 4, 2, 12,
                                                              schema_token_mask::method::plain_walk);
  testing_support::print_and_fail(report, "the plain walk");
}

// Word patterns (\w words among them: most of Qwen3's tokens fit them) on a vocabulary with every
// script: plain tokens decided by their end states' tables give exactly the recogniser's trie walk
// mask and feeding's.
TEST(schema_mask_on_qwen3, word_patterns_decide_plain_tokens_by_end_state_tables_exactly) {
  auto vocab = load_qwen3();
  ASSERT_TRUE(vocab.ok()) << vocab.err().message;
  const schema_token_mask fast(*vocab, {.plain_buckets = false, .plain_buckets_always = false, .plain_walk = false, .plain_tables = true});
  const schema_token_mask slow(*vocab, testing_support::walk_only);
  const auto report = testing_support::compare_under_patterns(*vocab, fast, slow, testing_support::word_pattern_schemas(), 6, 2, 12,
                                                              schema_token_mask::method::plain_tables);
  testing_support::print_and_fail(report, "the end-state tables");
}

}  // namespace
}  // namespace infergrid::model

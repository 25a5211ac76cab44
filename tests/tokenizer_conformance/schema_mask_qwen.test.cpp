// schema_token_mask on the real 151,936-token Qwen3 vocabulary (the tiny GGUF make_fixtures.sh
// writes): 100 random schemas, random-logit draws under the mask, every output parses and passes the
// independent schema checker; the mask is cross-checked against feeding each token on its own.
#include <gtest/gtest.h>

#include "kernels/model/gguf_file.hpp"
#include "kernels/model/schema_mask_check.hpp"

namespace infergrid::model {
namespace {

TEST(schema_mask_on_qwen3, random_schemas_draw_only_valid_documents) {
  auto file = gguf_file::open(std::string(INFERGRID_TOKENIZER_WORK_DIR) + "/qwen3-tiny.gguf");
  ASSERT_TRUE(file.ok()) << file.err().message;
  auto vocab = tokenizer::from_gguf(*file);
  ASSERT_TRUE(vocab.ok()) << vocab.err().message;
  ASSERT_EQ(vocab->vocab_size(), 151936u);
  const schema_token_mask mask(*vocab);
  const auto report = testing_support::generate_under_random_schemas(*vocab, mask, 151936, 100, 400, 25);
  testing_support::print_and_fail(report);
  EXPECT_EQ(report.schemas, 100);
  EXPECT_GE(report.ended, 90);
}

}  // namespace
}  // namespace infergrid::model

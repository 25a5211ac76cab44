#include "actors/http_bridge/model_catalog.hpp"

#include <gtest/gtest.h>

namespace infergrid::http {
namespace {

TEST(ModelFacts, BundledModelHasNoTemplateAndAContextLength) {
  auto facts = read_model_facts("deploy/models/stories260k.gguf");
  ASSERT_TRUE(facts.ok()) << facts.err().message;
  EXPECT_EQ(facts->family, chat::template_family::plain);
  EXPECT_GT(facts->context_length, 0);
  EXPECT_FALSE(read_model_facts("/nonexistent.gguf").ok());
}

// `created` is when the bridge first saw the model served: the same at every later update (a model
// gone from the supply and back keeps it), so /v1/models answers it alike on every call.
TEST(ModelCatalog, CreatedIsFirstSeenAndStable) {
  model_catalog catalog;
  catalog.update({{"a", "infergrid", 512, 1}});
  EXPECT_GT(catalog.models().at(0).created_s, 1700000000) << "the clock's time by default";
  model_catalog later;
  later.update({{"a", "infergrid", 512, 1}}, 1000);
  later.update({}, 2000);
  later.update({{"b", "infergrid", 512, 1}, {"a", "infergrid", 512, 2}}, 3000);
  const auto models = later.models();
  EXPECT_EQ(models.at(0).created_s, 3000);
  EXPECT_EQ(models.at(1).created_s, 1000);
}

}  // namespace
}  // namespace infergrid::http

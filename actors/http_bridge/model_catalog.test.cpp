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

}  // namespace
}  // namespace infergrid::http

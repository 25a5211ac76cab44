#include "actors/http_bridge/model_catalog.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "kernels/model/gguf_writer.hpp"

namespace infergrid::http {
namespace {

TEST(ModelFacts, BundledModelHasNoTemplateAndAContextLength) {
  auto facts = read_model_facts("deploy/models/stories260k.gguf");
  ASSERT_TRUE(facts.ok()) << facts.err().message;
  EXPECT_EQ(facts->family, chat::template_family::plain);
  EXPECT_GT(facts->context_length, 0);
  EXPECT_FALSE(read_model_facts("/nonexistent.gguf").ok());
}

// A context length beyond u32 once became a negative int64 on /v1/models; now it is unknown (0).
TEST(ModelFacts, AContextLengthBeyondU32IsUnknownNotNegative) {
  const std::string path =
      (std::filesystem::path(::testing::TempDir()) / ("infergrid_facts_" + std::to_string(::getpid()) + ".gguf")).string();
  for (const std::uint64_t length : {std::uint64_t{4096}, (std::uint64_t{1} << 63) + 5}) {
    model::gguf_writer writer;
    writer.set_string("general.architecture", "llama");
    writer.set("llama.context_length", model::gguf_value::of_unsigned(model::gguf_value_type::uint64, length));
    ASSERT_TRUE(writer.write(path).ok());
    auto facts = read_model_facts(path);
    ASSERT_TRUE(facts.ok()) << facts.err().message;
    EXPECT_EQ(facts->context_length, length == 4096 ? 4096 : 0) << length;
  }
  std::filesystem::remove(path);
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

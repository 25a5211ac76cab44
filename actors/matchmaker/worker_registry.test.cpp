// worker_registry: what a registration must hold before the matchmaker lists the worker.
#include "actors/matchmaker/worker_registry.hpp"

#include <gtest/gtest.h>

namespace infergrid::matchmaker {
namespace {

worker_register offering(std::string model) {
  return worker_register{"w1", "n/w1", {model_offer{std::move(model), "hash", 512, "F32", 100, 10, 10}}, 4, 4, 0, 0};
}

// A model name is printed by `infergrid status`, logged and labelled in /metrics: one holding
// an escape sequence or a newline is refused with a reason, and the worker is not listed.
TEST(worker_registry, a_model_name_with_control_characters_is_refused) {
  worker_registry registry;
  auto refused = registry.upsert(offering("evil\x1b[2J\r\nmodel"), 10, clock::now());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.err().code, error_code::invalid_argument);
  EXPECT_NE(refused.err().message.find("offers model \"evil\\x1b[2J\\x0d\\x0amodel\": a model name may not hold control characters"),
            std::string::npos) << refused.err().message;
  EXPECT_EQ(registry.find("w1"), nullptr);
  EXPECT_TRUE(registry.upsert(offering("stories260k"), 10, clock::now()).ok());
}

}  // namespace
}  // namespace infergrid::matchmaker

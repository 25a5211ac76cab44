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

worker_heartbeat reporting(std::uint64_t tokens_generated) {
  worker_heartbeat beat;
  beat.worker_id = "w1";
  beat.free_slots = 4;
  beat.tokens_generated = tokens_generated;
  return beat;
}

// A miner is its key: one that crashed and registers again before it was evicted keeps its tokens
// (the new process counts from 0) and its join time. A leave (or an eviction) starts a new count.
TEST(worker_registry, a_restart_under_the_same_key_keeps_tokens_and_join_time) {
  worker_registry registry;
  const auto joined = clock::now();
  ASSERT_TRUE(registry.upsert(offering("m"), 10, joined).ok());
  ASSERT_TRUE(registry.heartbeat(reporting(500), joined + std::chrono::seconds(5)).ok());
  ASSERT_TRUE(registry.upsert(offering("m"), 10, joined + std::chrono::seconds(9)).ok());  // the restarted process
  ASSERT_TRUE(registry.heartbeat(reporting(20), joined + std::chrono::seconds(10)).ok());
  EXPECT_EQ(registry.find("w1")->tokens_since_joined(), 520u);
  EXPECT_EQ(registry.find("w1")->registered_at, joined);

  ASSERT_TRUE(registry.remove("w1"));  // left
  const auto rejoined = joined + std::chrono::seconds(30);
  ASSERT_TRUE(registry.upsert(offering("m"), 10, rejoined).ok());
  EXPECT_EQ(registry.find("w1")->tokens_since_joined(), 0u);
  EXPECT_EQ(registry.find("w1")->registered_at, rejoined);
}

// Routing's latency estimate fades while a worker gets no jobs; the measured figure operators see
// (the dashboard's "1st tok") stays what the worker's jobs measured.
TEST(worker_registry, the_measured_first_token_latency_does_not_fade) {
  worker_registry registry;
  ASSERT_TRUE(registry.upsert(offering("m"), 10, clock::now()).ok());
  registry.note_first_token("w1", 300);
  registry.fade_latencies(std::chrono::seconds(60));
  EXPECT_LT(registry.find("w1")->first_token_ms_ewma, 1.0);
  EXPECT_DOUBLE_EQ(registry.find("w1")->first_token_ms_measured, 300);
  registry.note_first_token("w1", 400);
  EXPECT_DOUBLE_EQ(registry.find("w1")->first_token_ms_measured, 300 + worker_registry::latency_ewma_weight * 100);
}

}  // namespace
}  // namespace infergrid::matchmaker

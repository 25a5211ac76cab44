// gpu_worker settings: the periods its timers wait must be positive (0 or less re-armed at once: a
// worker whose matchmaker was down spun a core "retrying every -5 ms"), each refusal naming its key.
#include "actors/gpu_worker/gpu_worker_config.hpp"

#include <gtest/gtest.h>

namespace infergrid::gpu_worker {
namespace {

settings from_yaml(const std::string& text) { return settings(YAML::Load(text), "node.yaml", "actors[0].settings"); }

TEST(GpuWorkerConfig, TimerPeriodsMustBePositive) {
  ASSERT_TRUE(read_worker_config(from_yaml("{model_path: m.gguf}")).ok());
  for (const char* key : {"register_retry_ms", "heartbeat_interval_ms", "chunk_interval_ms", "quiet_chunk_interval_ms"}) {
    for (const char* value : {"0", "-5"}) {
      auto config = read_worker_config(from_yaml(std::string("{model_path: m.gguf, ") + key + ": " + value + "}"));
      ASSERT_FALSE(config.ok()) << key << " = " << value;
      EXPECT_NE(config.err().message.find(key), std::string::npos) << config.err().message;
      EXPECT_NE(config.err().message.find("must be > 0"), std::string::npos) << config.err().message;
    }
  }
}

}  // namespace
}  // namespace infergrid::gpu_worker

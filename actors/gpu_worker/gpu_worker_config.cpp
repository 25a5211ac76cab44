#include "actors/gpu_worker/gpu_worker_config.hpp"

#include <filesystem>

#include "actors/gpu_worker/loaded_model.hpp"
#include "runtime/settings.hpp"

namespace infergrid::gpu_worker {

result<worker_config> read_worker_config(const settings& config) {
  IG_TRY(config.reject_unknown_keys({"model_path", "model_name", "device", "slots", "context_size",
                                     "price_prompt_micro", "price_completion_micro", "pricing", "price_floor_prompt_micro",
                                     "price_ceiling_prompt_micro", "price_floor_completion_micro",
                                     "price_ceiling_completion_micro", "asks_file", "stake_micro", "matchmaker",
                                     "register_retry_ms", "heartbeat_interval_ms", "identity_file",
                                     "benchmark_tokens", "tokens_per_second", "kv_cache_type", "queue_capacity", "chunk_tokens", "chunk_interval_ms", "quiet_chunk_interval_ms",
                                     "draw_threads",
                                     "cheat", "claimed_model_hash", "forge_fingerprints_with"}));
  worker_config out;
  IG_TRY(read_required_setting(config, "model_path", out.model_path));
  out.model_name = std::filesystem::path(out.model_path).stem().string();
  IG_TRY(read_setting(config, "model_name", out.model_name));
  IG_TRY(read_setting(config, "device", out.device));
  IG_TRY(read_setting(config, "slots", out.slots));
  IG_TRY(read_setting(config, "context_size", out.context_size));
  IG_TRY(read_kv_cache_type(config, out.kv_cache_f16));
  auto pricing = read_pricing_config(config);
  if (!pricing.ok()) return pricing.err();
  out.pricing = std::move(*pricing);
  IG_TRY(read_setting(config, "stake_micro", out.stake_micro));
  IG_TRY(read_setting(config, "matchmaker", out.matchmaker));
  IG_TRY(read_setting(config, "register_retry_ms", out.register_retry_ms));
  IG_TRY(read_setting(config, "heartbeat_interval_ms", out.heartbeat_interval_ms));
  IG_TRY(read_setting(config, "identity_file", out.identity_file));
  IG_TRY(read_setting(config, "benchmark_tokens", out.benchmark_tokens));
  IG_TRY(read_setting(config, "tokens_per_second", out.tokens_per_second));
  IG_TRY(config.require_that(out.tokens_per_second >= 0, "tokens_per_second", "must be >= 0"));
  IG_TRY(read_setting(config, "queue_capacity", out.batch.queue_capacity));
  IG_TRY(read_setting(config, "chunk_tokens", out.batch.chunk_tokens));
  IG_TRY(read_setting(config, "chunk_interval_ms", out.batch.chunk_interval_ms));
  IG_TRY(read_setting(config, "quiet_chunk_interval_ms", out.batch.quiet_chunk_interval_ms));
  IG_TRY(read_setting(config, "draw_threads", out.batch.draw_threads));
  std::string cheat;
  IG_TRY(read_setting(config, "cheat", cheat));
  auto mode = read_cheat_mode(cheat);
  if (!mode.ok()) return make_error(mode.err().code, config.where("cheat") + ": " + mode.err().message);
  out.cheat = *mode;
  for (const auto& [name, value] : {std::pair<const char*, std::string*>{"claimed_model_hash", &out.claimed_model_hash},
                                     {"forge_fingerprints_with", &out.forge_fingerprints_with}}) {
    IG_TRY(read_setting(config, name, *value));
    if (value->empty()) continue;
    if (auto allowed = allow_test_only(name); !allowed.ok()) {
      return make_error(allowed.err().code, config.where(name) + ": " + allowed.err().message);
    }
  }
  IG_TRY(config.require_that(out.slots >= 1 && out.slots <= 256, "slots", "must be 1..256"));
  IG_TRY(config.require_that(out.batch.draw_threads <= 256, "draw_threads", "must be 0..256"));
  IG_TRY(config.require_that(out.batch.chunk_tokens != 0, "chunk_tokens", "must be >= 1"));
  // Periods a timer waits: 0 or less re-arms at once (a busy loop: "retrying every -5 ms").
  for (const auto& [name, value] : {std::pair<const char*, std::int64_t>{"register_retry_ms", out.register_retry_ms},
                                     {"heartbeat_interval_ms", out.heartbeat_interval_ms},
                                     {"chunk_interval_ms", out.batch.chunk_interval_ms},
                                     {"quiet_chunk_interval_ms", out.batch.quiet_chunk_interval_ms}}) {
    IG_TRY(config.require_that(value > 0, name, "must be > 0"));
  }
  return out;
}

}  // namespace infergrid::gpu_worker

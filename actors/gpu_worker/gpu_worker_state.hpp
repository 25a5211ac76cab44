#pragma once
// gpu_worker: a miner's GPU worker. Wraps one llama_engine (kernels/engine) with continuous
// batching (continuous_batch.hpp), registers its model, price and capacity with the matchmaker,
// heartbeats, accepts inference_job, streams token_chunk messages back and signs a
// completion_receipt per finished job.
//
// The engine runs on the actor's own thread, one step per turn of the actor loop: a step is a
// zero-delay timer that re-arms itself while sequences run, so between two steps the runtime
// handles every message waiting in the inbox (new jobs join at the next step boundary, cancels
// free their slot there). A message waits at most one engine step.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "actors/gpu_worker/continuous_batch.hpp"
#include "actors/gpu_worker/fingerprint_forger.hpp"
#include "actors/gpu_worker/gpu_worker_config.hpp"
#include "kernels/engine/llama_engine.hpp"
#include "kernels/model/gguf_file.hpp"
#include "kernels/model/tokenizer.hpp"
#include "messages/inference.hpp"
#include "messages/match.hpp"
#include "runtime/actor_context.hpp"
#include "runtime/handler_table.hpp"
#include "runtime/identity.hpp"

namespace infergrid::gpu_worker {

struct gpu_worker_state {
  static constexpr auto read_settings = &read_worker_config;
  static result<std::unique_ptr<gpu_worker_state>> create(actor_context& ctx, const settings& config);
  gpu_worker_state(actor_context& ctx, worker_config config, identity key, model::tokenizer vocab,
                   engine::llama_engine engine, model_offer offer, std::optional<fingerprint_forger> forger = {});
  ~gpu_worker_state();
  handler_table handlers();
  void on_start();

 private:
  void send_register();
  void send_heartbeat();
  // Recomputes the published ask (asks file, fixed or utilisation policy) into offer_.
  void refresh_ask();
  void schedule_step();
  void run_step();
  void send_receipt(const std::string& to, const sequence_summary& done);

  actor_context& ctx_;
  worker_config config_;
  identity key_;
  std::string worker_id_;
  model::tokenizer vocab_;
  engine::llama_engine engine_;
  model_offer offer_;
  continuous_batch batch_;
  worker_pricing pricing_;
  std::optional<fingerprint_forger> forger_;  // test-only cheat
  bool registered_ = false;
  std::string register_refusal_;  // the last reason the matchmaker refused us (logged once per reason)
  bool step_armed_ = false;
  timer_id heartbeat_timer_ = 0;
  std::uint64_t heartbeat_sequence_ = 0;
};

}  // namespace infergrid::gpu_worker

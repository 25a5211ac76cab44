#include "actors/gpu_worker/gpu_worker_state.hpp"

#include <chrono>
#include <map>

#include "actors/gpu_worker/decode_benchmark.hpp"
#include "actors/gpu_worker/loaded_model.hpp"
#include "runtime/input_path.hpp"
#include "actors/gpu_worker/chunk_claim.hpp"
#include "actors/gpu_worker/receipt_building.hpp"
#include "runtime/actor_kind_registry.hpp"
#include "runtime/log.hpp"

namespace infergrid::gpu_worker {
namespace {

// The weight type holding the most bytes names the model's quantisation.
std::string dominant_quantisation(const model::gguf_file& file) {
  std::map<std::string, std::size_t> bytes_by_type;
  for (const auto& tensor : file.tensors()) bytes_by_type[std::string(model::traits_of(tensor.type).name)] += tensor.bytes;
  std::string best;
  std::size_t most = 0;
  for (const auto& [name, bytes] : bytes_by_type) {
    if (bytes > most) best = name, most = bytes;
  }
  return best;
}

}  // namespace

result<std::unique_ptr<gpu_worker_state>> gpu_worker_state::create(actor_context& ctx, const settings& settings) {
  auto config = read_worker_config(settings);
  if (!config.ok()) return config.err();
  config->model_path = resolve_input_path(config->model_path, settings.source());
  model_load_options load{config->model_path, config->identity_file, config->device, config->slots,
                          config->context_size, 0, [&ctx, &config](const std::string& line) {
                            log(log_level::info, ctx.address(), "{}: {}", config->model_name, line);
                          }};
  load.kv_cache_f16 = config->kv_cache_f16;
  auto loaded = load_model(load);
  if (!loaded.ok()) return loaded.err();
  auto& [key, file, vocab, engine] = *loaded;
  // Any token does for the speed probe; a vocabulary without BOS (some byte-level BPE ones) uses id 0.
  const model::token_id probe = vocab.bos_id() == model::no_token ? 0 : vocab.bos_id();
  // The tokens/s it advertises: stated (`infergrid miner join` benchmarks before it starts the
  // node), else one sequence's decode speed measured now.
  double tokens_per_second = config->tokens_per_second;
  if (tokens_per_second <= 0) {
    auto speed = measure_decode_speed(engine, probe, config->benchmark_tokens, 1);
    if (!speed.ok()) return speed.err();
    tokens_per_second = speed->tokens_per_second;
  }
  const std::string model_hash =
      config->claimed_model_hash.empty() ? to_hex(file.content_hash()) : config->claimed_model_hash;
  std::optional<fingerprint_forger> forger;
  if (!config->forge_fingerprints_with.empty()) {
    auto loaded_forger = fingerprint_forger::load(resolve_input_path(config->forge_fingerprints_with, settings.source()),
                                                  engine.context_size());
    if (!loaded_forger.ok()) return loaded_forger.err();
    forger.emplace(std::move(*loaded_forger));
  }
  model_offer offer{config->model_name, model_hash, engine.context_size(),
                    dominant_quantisation(file), tokens_per_second, 0, 0};
  log(log_level::info, ctx.address(), "serving {} ({} slots, {} positions, {}, {:.0f} tokens/s {}) on {}", offer.name,
      engine.n_slots(), offer.context_length, offer.quantisation, offer.tokens_per_second,
      config->tokens_per_second > 0 ? "as stated" : "measured", engine.device_description());
  return std::make_unique<gpu_worker_state>(ctx, std::move(*config), std::move(key), std::move(vocab),
                                            std::move(engine), std::move(offer), std::move(forger));
}

gpu_worker_state::gpu_worker_state(actor_context& ctx, worker_config config, identity key, model::tokenizer vocab,
                                   engine::llama_engine engine, model_offer offer, std::optional<fingerprint_forger> forger)
    : ctx_(ctx),
      config_(std::move(config)),
      key_(std::move(key)),
      worker_id_(to_hex(key_.public_id())),
      vocab_(std::move(vocab)),
      engine_(std::move(engine)),
      offer_(std::move(offer)),
      batch_(engine_, vocab_, config_.batch, worker_id_, config_.cheat),
      pricing_(config_.pricing),
      forger_(std::move(forger)) {
  refresh_ask();
  // Envelopes to other nodes carry the miner's key: the matchmaker binds worker_id to it.
  ctx_.sign_as(key_);
}

gpu_worker_state::~gpu_worker_state() {
  // Graceful leave, so the matchmaker reroutes at once instead of waiting for missed heartbeats.
  if (registered_) (void)ctx_.send(config_.matchmaker, worker_leave{worker_id_});
}

void gpu_worker_state::on_start() { send_register(); }

void gpu_worker_state::send_register() {
  refresh_ask();
  worker_register hello{worker_id_, ctx_.address(), {offer_}, engine_.n_slots(), batch_.free_slots(),
                        config_.batch.queue_capacity, config_.stake_micro};
  ctx_.request<worker_registered>(config_.matchmaker, hello, config_.register_retry_ms,
                                  [this](result<worker_registered> reply) {
                                    if (!reply.ok()) {
                                      registered_ = false;
                                      // Said once per reason, not once per retry: why this worker gets no jobs.
                                      if (reply.err().message != register_refusal_) {
                                        register_refusal_ = reply.err().message;
                                        log(log_level::warn, ctx_.address(), "not registered with {} (retrying every {} ms): {}",
                                            config_.matchmaker, config_.register_retry_ms, register_refusal_);
                                      }
                                      ctx_.after(config_.register_retry_ms, [this] { send_register(); });
                                      return;
                                    }
                                    const bool first = !registered_;
                                    registered_ = true;
                                    register_refusal_.clear();
                                    if (reply->heartbeat_interval_ms > 0) config_.heartbeat_interval_ms = reply->heartbeat_interval_ms;
                                    if (first) log(log_level::info, ctx_.address(), "registered as {}", worker_id_);
                                    if (heartbeat_timer_ == 0) {
                                      heartbeat_timer_ = ctx_.every(config_.heartbeat_interval_ms, [this] { send_heartbeat(); });
                                    }
                                  });
}

void gpu_worker_state::refresh_ask() {
  const ask_pair ask = pricing_.current(batch_.running_count(), batch_.queued_count(), engine_.n_slots(),
                                        [this](const std::string& line) { log(log_level::warn, ctx_.address(), "{}", line); });
  if (ask.prompt_micro != offer_.price_prompt_micro || ask.completion_micro != offer_.price_completion_micro) {
    log(log_level::debug, ctx_.address(), "ask for {}: {} prompt / {} completion micro per 1k tokens", offer_.name,
        ask.prompt_micro, ask.completion_micro);
  }
  offer_.price_prompt_micro = ask.prompt_micro;
  offer_.price_completion_micro = ask.completion_micro;
}

void gpu_worker_state::send_heartbeat() {
  if (!registered_) return;
  refresh_ask();
  worker_heartbeat beat{worker_id_, ++heartbeat_sequence_, batch_.free_slots(), batch_.running_count(),
                        batch_.queued_count(), batch_.tokens_generated(),
                        {model_ask{offer_.name, offer_.price_prompt_micro, offer_.price_completion_micro}}};
  // A matchmaker that lost us (restart, eviction) answers not_found: register again.
  ctx_.request<worker_registered>(config_.matchmaker, beat, config_.heartbeat_interval_ms * 4,
                                  [this](result<worker_registered> reply) {
                                    if (!reply.ok() && reply.err().code == error_code::not_found && registered_) {
                                      registered_ = false;
                                      send_register();
                                    }
                                  });
}

void gpu_worker_state::schedule_step() {
  if (step_armed_ || batch_.idle()) return;
  step_armed_ = true;
  ctx_.after(0, [this] {
    step_armed_ = false;
    run_step();
    schedule_step();
  });
}

void gpu_worker_state::run_step() {
  for (auto& event : batch_.step()) {
    if (event.chunk) {
      sign_chunk_claim(*event.chunk, key_);
      (void)ctx_.send(event.reply_to, *event.chunk);
    }
    if (event.failure) (void)ctx_.send(event.reply_to, *event.failure);
    if (event.finished) send_receipt(event.reply_to, *event.finished);
  }
}

void gpu_worker_state::send_receipt(const std::string& to, const sequence_summary& done) {
  if (forger_ && done.embedding.empty()) {
    sequence_summary forged = done;
    if (auto made = forger_->forge(forged); !made.ok()) {
      log(log_level::warn, ctx_.address(), "forging fingerprints for {}: {}", done.request.request_id, made.err().message);
    }
    (void)ctx_.send(to, build_receipt(forged, offer_, key_, config_.cheat));
    return;
  }
  (void)ctx_.send(to, build_receipt(done, offer_, key_, config_.cheat));
}

handler_table gpu_worker_state::handlers() {
  return {
      on<inference_job>([this](const inference_job& job) -> result<job_accepted> {
        if (job.request.model != offer_.name) {
          return make_error(error_code::not_found, "worker " + worker_id_ + " does not serve model '" + job.request.model + "'");
        }
        // The job's price is the ask the matchmaker routed it on (the last one published).
        auto ahead = batch_.admit(job, job_price{static_cast<std::int64_t>(offer_.price_prompt_micro),
                                                 static_cast<std::int64_t>(offer_.price_completion_micro)});
        if (!ahead.ok()) return ahead.err();
        schedule_step();
        return job_accepted{job.request.request_id, worker_id_, *ahead};
      }),
      on<cancel_inference>([this](const cancel_inference& cancel) { batch_.cancel(cancel.request_id); }),
  };
}

IG_REGISTER_ACTOR_KIND("gpu_worker", gpu_worker_state);

}  // namespace infergrid::gpu_worker

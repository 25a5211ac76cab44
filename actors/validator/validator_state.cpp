#include "actors/validator/validator_state.hpp"

#include <sodium.h>

#include <algorithm>

#include "actors/gpu_worker/loaded_model.hpp"
#include "runtime/input_path.hpp"
#include "actors/gpu_worker/chunk_claim.hpp"
#include "actors/gpu_worker/receipt_signing.hpp"
#include "actors/settlement/ledger/signed_ops.hpp"
#include "actors/validator/canary.hpp"
#include "actors/validator/verdict_signing.hpp"
#include "messages/ledger.hpp"
#include "runtime/actor_kind_registry.hpp"
#include "runtime/actor_runner.hpp"
#include "runtime/log.hpp"

namespace infergrid::validator {
namespace {

constexpr std::int64_t ledger_timeout_ms = 5000;
constexpr std::int64_t canary_deadline_ms = 120000;
constexpr std::uint32_t audit_draw_range = 1'000'000;

// A CSPRNG draw per job: which jobs are audited cannot be predicted from anything a miner sees.
bool picked_for_audit(double rate) {
  if (rate >= 1.0) return true;
  return randombytes_uniform(audit_draw_range) < static_cast<std::uint32_t>(rate * audit_draw_range);
}

// Whose work an audit judges, on which request: the receipt's worker, or the claimed segment's.
const std::string& audited_request(const audit_request& job) {
  return job.segment ? job.segment->claim.request_id : job.receipt.request_id;
}
const std::string& audited_miner(const audit_request& job) {
  return job.segment ? job.segment->worker_id : job.receipt.worker_id;
}

}  // namespace

result<std::unique_ptr<validator_state>> validator_state::create(actor_context& ctx, const settings& settings) {
  if (sodium_init() < 0) return make_error(error_code::internal, "libsodium failed to initialise");
  auto config = read_validator_config(settings);
  if (!config.ok()) return config.err();
  config->model_path = resolve_input_path(config->model_path, settings.source());
  gpu_worker::model_load_options load{config->model_path, config->identity_file, config->device, 1,
                                      config->context_size, config->batch_tokens,
                                      [&ctx, &config](const std::string& line) {
                                        log(log_level::info, ctx.address(), "{}: {}", config->model_name, line);
                                      }};
  load.kv_cache_f16 = config->kv_cache_f16;
  auto loaded = gpu_worker::load_model(load);
  if (!loaded.ok()) return loaded.err();
  auto signer = chain_slash_signer::create(config->chain_key, config->chain_deployment);
  if (!signer.ok()) return make_error(signer.err().code, settings.where() + ": " + signer.err().message);
  auto& [key, file, vocab, engine] = *loaded;
  if (*signer) log(log_level::info, ctx.address(), "signing slashes on the vault as {}", chain::to_hex_0x((*signer)->chain_address()));
  log(log_level::info, ctx.address(), "auditing {} at rate {} on {}", config->model_name, config->audit_rate,
      engine.device_description());
  return std::make_unique<validator_state>(ctx, std::move(*config), std::move(key), std::move(vocab),
                                           std::move(engine), to_hex(file.content_hash()), std::move(*signer));
}

validator_state::validator_state(actor_context& ctx, validator_config config, identity key, model::tokenizer vocab,
                                 engine::llama_engine engine, std::string model_hash,
                                 std::optional<chain_slash_signer> slash_signer)
    : ctx_(ctx),
      config_(std::move(config)),
      key_(std::move(key)),
      validator_id_(to_hex(key_.public_id())),
      vocab_(std::move(vocab)),
      engine_(std::move(engine)),
      model_hash_(std::move(model_hash)),
      slash_signer_(std::move(slash_signer)),
      masks_(vocab_),
      checks_(pool_helpers(config_.check_threads, config_.check_threads != 0 ? config_.check_threads : default_check_threads_max)) {}

void validator_state::on_start() {
  log(log_level::info, ctx_.address(), "validator {}", validator_id_);
  if (config_.bond_micro > 0 && !config_.settlement.empty()) bond();
  if (config_.canary_interval_ms > 0) schedule_canary();
}

void validator_state::schedule_canary() {
  const auto interval = static_cast<std::uint32_t>(std::min<std::int64_t>(config_.canary_interval_ms, 1 << 30));
  ctx_.after(interval / 2 + randombytes_uniform(interval + 1), [this] {
    send_canary();
    schedule_canary();
  });
}

void validator_state::send_canary() {
  if (canaries_.size() >= config_.canaries_open_max) return;
  const std::string& self = ctx_.address();
  inference_request canary = make_canary(config_.model_name, self.substr(0, self.find('/')), config_.canary_max_tokens);
  canary.reply_to = self;
  canary.deadline_ms = ctx_.now_ms() + canary_deadline_ms;
  if (!ctx_.send(config_.canary_entry, canary).ok()) return;
  ++counters_.canaries_sent;
  canaries_[canary.request_id] = open_canary{canary, {}};
}

void validator_state::on_canary_chunk(const token_chunk& chunk) {
  const auto found = canaries_.find(chunk.request_id);
  if (found == canaries_.end() || chunk.index != found->second.streamed.size()) return;
  found->second.streamed.insert(found->second.streamed.end(), chunk.tokens.begin(), chunk.tokens.end());
}

// Dev grids: deposit and stake the bond so this validator's verdicts count (op ids make restarts replays).
void validator_state::bond() {
  const auto amount = static_cast<std::int64_t>(config_.bond_micro);
  const ledger_deposit deposit{"validator-bond/" + validator_id_, validator_id_, 2, amount};
  ctx_.request<ledger_ack>(config_.settlement, deposit, ledger_timeout_ms, [this, amount](result<ledger_ack> ack) {
    if (!ack.ok()) {
      log(log_level::warn, ctx_.address(), "bond deposit refused: {}", ack.err().message);
      return;
    }
    const ledger_stake stake{"validator-stake/" + validator_id_, validator_id_, amount};
    ctx_.request<ledger_ack>(config_.settlement, stake, ledger_timeout_ms, [this](result<ledger_ack> staked) {
      if (!staked.ok()) log(log_level::warn, ctx_.address(), "bond stake refused: {}", staked.err().message);
    });
  });
}

void validator_state::offer(const audit_request& offered) {
  ++counters_.offered;
  audit_request job = offered;
  const std::string& request_id = audited_request(job);
  const bool canary = canaries_.contains(request_id);
  if (canary) job.request = canaries_.at(request_id).request;  // what this validator really asked
  if ((job.segment ? job.request.model : job.receipt.model) != config_.model_name) return;
  // A segment's evidence is bound by its signed chunk claim, a receipt by its signature.
  const status binding = job.segment ? verify_claimed_segment(job.request.request_id, *job.segment) : verify_receipt(job.receipt);
  if (!binding.ok()) {
    // Not binding on the miner, so no verdict can rest on it; the matchmaker already refused it.
    ++counters_.bad_receipts;
    return;
  }
  if (!canary && !job.escalated && !picked_for_audit(config_.audit_rate)) return;
  for (const auto& kept : verdicts_) {
    if (kept.request_id == request_id && kept.miner == audited_miner(job)) return;  // judged already
  }
  ++counters_.picked;
  if (waiting_.size() >= config_.queue_capacity) {
    ++counters_.skipped;
    return;
  }
  waiting_.push_back(job);
  schedule_audit();
}

void validator_state::schedule_audit() {
  if (audit_armed_ || waiting_.empty()) return;
  audit_armed_ = true;
  ctx_.after(0, [this] {
    audit_armed_ = false;
    audit_request job = std::move(waiting_.front());
    waiting_.pop_front();
    run_audit(job);
    schedule_audit();
  });
}

void validator_state::run_audit(const audit_request& job) {
  audit_model model{engine_, vocab_, config_.model_name, model_hash_, &masks_, &schemas_, &checks_};
  auto outcome = job.segment ? audit_segment(model, job.request, *job.segment, config_.tolerances)
                             : audit_job(model, job.request, job.receipt, config_.tolerances);
  if (const auto canary = canaries_.find(job.receipt.request_id); !job.segment && canary != canaries_.end()) {
    // A canary's answer also came to this validator: the receipt must sign what was streamed.
    const std::vector<std::int32_t> streamed = std::move(canary->second.streamed);
    canaries_.erase(canary);
    if (outcome.ok() && !outcome->guilty && streamed != job.receipt.output_tokens) {
      outcome->guilty = true;
      outcome->reason = "canary_stream";
      outcome->detail = "the receipt signs " + std::to_string(job.receipt.output_tokens.size()) +
                        " tokens other than the " + std::to_string(streamed.size()) + " streamed";
    }
    if (outcome.ok()) outcome->canary = true;
  }
  if (outcome.ok() && job.segment && canaries_.contains(audited_request(job))) outcome->canary = true;
  if (!outcome.ok()) {
    ++counters_.skipped;
    log(log_level::warn, ctx_.address(), "no verdict on {}: {}", audited_request(job), outcome.err().message);
    return;
  }
  ++counters_.audited;
  if (outcome->guilty) ++counters_.guilty;
  publish(job, *outcome);
}

void validator_state::publish(const audit_request& job, const audit_outcome& outcome) {
  const std::string& request_id = audited_request(job);
  audit_verdict verdict{request_id,     audited_miner(job), validator_id_,  outcome.guilty, outcome.reason,
                        outcome.detail, outcome.evidence,   outcome.canary, {}};
  sign_audit_verdict(verdict, key_);
  log(outcome.guilty ? log_level::warn : log_level::debug, ctx_.address(), "{}{} {}: {}{}", request_id,
      job.segment ? " (segment of " + verdict.miner.substr(0, 12) + ")" : "", outcome.guilty ? "GUILTY" : "innocent",
      outcome.reason, outcome.detail.empty() ? "" : " — " + outcome.detail);
  if (!config_.matchmaker.empty()) (void)ctx_.send(config_.matchmaker, verdict);
  // An innocent canary verdict stays out of the ledger: a canary is never escrowed, and the ledger
  // counts innocent verdicts only on escrowed requests (a guilty one still goes: it may convict).
  if (!config_.settlement.empty() && (outcome.guilty || !outcome.canary)) {
    const ledger::verdict_op op = ledger::make_verdict(key_, request_id, verdict.miner, outcome.guilty);
    const verdict_message message{"", op.body.request_id, op.body.miner, op.body.validator, op.body.guilty,
                                  op.validator_signature};
    if (message.guilty && slash_signer_) {
      sign_then_send_verdict(message);
    } else {
      send_verdict(message);
    }
  }
  verdicts_.push_back(std::move(verdict));
  while (verdicts_.size() > config_.verdicts_kept) verdicts_.pop_front();
}

void validator_state::send_verdict(const verdict_message& message) {
  ctx_.request<verdict_reply>(config_.settlement, message, ledger_timeout_ms,
                              [this, id = message.request_id, guilty = message.guilty](result<verdict_reply> reply) {
                                if (!reply.ok()) {
                                  // An innocent verdict on a job the ledger never escrowed (one that came
                                  // through the gateway unpaid, its miner maybe without an account) has
                                  // nothing to record or earn: not worth a warning at every audit.
                                  const bool nothing_to_earn = !guilty && reply.err().code == error_code::not_found;
                                  log(nothing_to_earn ? log_level::debug : log_level::warn, ctx_.address(),
                                      "verdict on {} not recorded: {}", id, reply.err().message);
                                } else if (reply->convicted) {
                                  log(log_level::warn, ctx_.address(), "{}: miner convicted, {} micro slashed", id,
                                      reply->slashed_micro);
                                }
                              });
}

void validator_state::sign_then_send_verdict(const verdict_message& message) {
  const auto without_signature = [this, message](const std::string& why) {
    log(log_level::warn, ctx_.address(), "no slash signature on {}: {}", message.request_id, why);
    send_verdict(message);
  };
  ctx_.request<chain_identity>(
      config_.settlement, chain_identity_query{message.miner}, ledger_timeout_ms,
      [this, message, without_signature](result<chain_identity> bound) {
        if (!bound.ok()) return without_signature(bound.err().message);
        auto signature = slash_signer_->sign(*bound, message.request_id, message.miner);
        if (!signature.ok()) return without_signature(signature.err().message);
        const chain_slash_signature signed_slash{message.request_id, message.miner, message.validator, *signature};
        ctx_.request<chain_slash_signature_ack>(config_.settlement, signed_slash, ledger_timeout_ms,
                                                [this, message, without_signature](result<chain_slash_signature_ack> kept) {
                                                  if (!kept.ok()) return without_signature(kept.err().message);
                                                  send_verdict(message);  // after its signature is kept
                                                });
      });
}

handler_table validator_state::handlers() {
  return {
      on<audit_request>([this](const audit_request& job) { offer(job); }),
      on<token_chunk>([this](const token_chunk& chunk) { on_canary_chunk(chunk); }),
      on<inference_failed>([this](const inference_failed& failed) {
        if (canaries_.erase(failed.request_id) > 0) ++counters_.canaries_failed;
      }),
  };
}

IG_REGISTER_ACTOR_KIND("validator", validator_state);

}  // namespace infergrid::validator

#pragma once
// validator: the network's third role. It holds its own copy of the registered model on its own
// engine and a staked ledger account. The matchmaker sends it every finished job (audit_request:
// the request and the worker's signed receipt with its evidence); it picks a share of them with a
// CSPRNG (audit_rate — a miner cannot tell which jobs will be checked), replays each as one
// teacher-forced prefill (audit_replay.hpp) and publishes the verdict twice:
//   - verdict_message (ledger format, signed) to settlement: a quorum of guilty verdicts on one
//     receipt convicts and slashes the miner; correct verdicts earn epoch rewards. With a chain key
//     (chain_slash_signer.hpp) a guilty verdict is preceded by the validator's slash signature for
//     the vault, so settlement can execute the conviction on-chain as well;
//   - audit_verdict (with the evidence, signed) to the matchmaker: the miner's reputation.
// It also sends canaries (canary.hpp) of its own into the grid, which it always audits.
// One replay runs per turn of the actor loop, so messages are handled between replays.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "actors/validator/audit_replay.hpp"
#include "actors/validator/chain_slash_signer.hpp"
#include "actors/validator/validator_config.hpp"
#include "kernels/engine/llama_engine.hpp"
#include "actors/gpu_worker/output_constraint.hpp"
#include "actors/validator/compiled_schema_cache.hpp"
#include "kernels/model/tokenizer.hpp"
#include "messages/challenge.hpp"
#include "messages/ledger.hpp"
#include "runtime/actor_context.hpp"
#include "runtime/handler_table.hpp"
#include "runtime/identity.hpp"

namespace infergrid::validator {

struct validator_counters {
  std::uint64_t offered = 0;     // audit_requests received
  std::uint64_t picked = 0;      // chosen by the CSPRNG
  std::uint64_t audited = 0;     // replayed to a verdict
  std::uint64_t guilty = 0;
  std::uint64_t skipped = 0;     // not replayable here (other model, too long, device error) or queue full
  std::uint64_t bad_receipts = 0;  // unsigned or forged: no verdict can bind the miner to them
  std::uint64_t canaries_sent = 0;
  std::uint64_t canaries_failed = 0;  // the grid answered inference_failed
};

class validator_state {
 public:
  static constexpr auto read_settings = &read_validator_config;
  static result<std::unique_ptr<validator_state>> create(actor_context& ctx, const settings& config);
  validator_state(actor_context& ctx, validator_config config, identity key, model::tokenizer vocab,
                  engine::llama_engine engine, std::string model_hash, std::optional<chain_slash_signer> slash_signer);
  handler_table handlers();
  void on_start();

 private:
  void offer(const audit_request& job);
  void schedule_audit();
  void run_audit(const audit_request& job);
  void publish(const audit_request& job, const audit_outcome& outcome);
  void send_verdict(const verdict_message& message);
  // A guilty verdict with a chain key: the miner's chain identity, the slash signature, then the verdict.
  void sign_then_send_verdict(const verdict_message& message);
  void bond();
  void schedule_canary();
  void send_canary();
  void on_canary_chunk(const token_chunk& chunk);

  actor_context& ctx_;
  validator_config config_;
  identity key_;
  std::string validator_id_;
  model::tokenizer vocab_;
  engine::llama_engine engine_;
  std::string model_hash_;
  std::optional<chain_slash_signer> slash_signer_;
  gpu_worker::output_masks masks_;  // for json_object / json_schema jobs, built once per model
  compiled_schema_cache schemas_;    // json_schema jobs' schemas, recently audited
  fork_join_pool checks_;            // a replay's positions checked in parallel
  std::deque<audit_request> waiting_;
  std::deque<audit_verdict> verdicts_;  // the most recent, for trace
  bool audit_armed_ = false;
  struct open_canary {
    inference_request request;
    std::vector<std::int32_t> streamed;
  };
  std::map<std::string, open_canary> canaries_;  // by request id, at most canaries_open_max
  validator_counters counters_;
};

}  // namespace infergrid::validator

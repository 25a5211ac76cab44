#pragma once
// validator settings (the actor's `settings:` mapping), one line each with its default. The
// tolerances' defaults and the measurements behind them: deploy/readme/validation.md.
#include <cstdint>
#include <string>

#include "actors/validator/audit_replay.hpp"
#include "runtime/result.hpp"
#include "runtime/settings.hpp"

namespace infergrid::validator {

struct validator_config {
  std::string model_path;              // the registered model's GGUF (required): what miners must serve
  std::string model_name;              // default: the file name without .gguf
  std::string device;                  // Vulkan device: index or name substring; "" = best
  std::uint32_t context_size = 0;      // positions of its one slot; 0 = the model's
  std::uint32_t batch_tokens = 128;    // tokens per scored submit (and logits rows per submit)
  bool kv_cache_f16 = false;           // kv_cache_type: f16 (gpu_worker/loaded_model.hpp)
  std::uint32_t check_threads = 0;     // threads checking a replay's positions (0 = one per hardware thread, at most 8)
  std::string identity_file;           // Ed25519 seed file; "" = a fresh key each start
  std::string settlement = "settlement";  // where verdict_message goes ("" = nowhere)
  std::string matchmaker = "matchmaker";  // where audit_verdict goes ("" = nowhere)
  double audit_rate = 0.05;            // share of finished jobs replayed, drawn with a CSPRNG per job
  std::uint32_t queue_capacity = 64;   // jobs picked and waiting for a replay; more are dropped (counted)
  std::uint64_t bond_micro = 0;        // deposited and staked at start (dev grids; 0 = bonded elsewhere)
  std::uint32_t verdicts_kept = 1024;  // recent verdicts kept
  // Canaries (canary.hpp): one request of its own into the grid about this often (CSPRNG-jittered
  // between half and 1.5 times), always audited; 0 = none.
  std::int64_t canary_interval_ms = 0;
  std::uint32_t canary_max_tokens = 48;
  std::string canary_entry = "matchmaker";  // where canaries enter (where the gateway sends requests)
  std::uint32_t canaries_open_max = 16;     // canaries awaiting their answer and receipt
  // Slashing on the vault (chain_slash_signer.hpp): both or neither. With them a guilty verdict is
  // preceded by this validator's signature of the vault's slash statement for the conviction.
  std::string chain_key;         // file with the validator's staked chain wallet secret (hex)
  std::string chain_deployment;  // the vault's deployment file (`infergrid chain deploy --out`)
  audit_tolerances tolerances;
};

// check_threads 0: one per hardware thread, at most this many. Past 8 a 256-token replay's checks
// gain little, and every thread keeps row-sized scratch (~1 MB at a 152k vocabulary).
inline constexpr std::uint32_t default_check_threads_max = 8;

result<validator_config> read_validator_config(const settings& config);

}  // namespace infergrid::validator

#pragma once
// audit_replay: the validator's check of one finished job. It replays the answer as ONE
// teacher-forced prefill of prompt + output (llama_engine::score) on the validator's own copy of the
// model and checks, in this order (the first failure names the verdict's reason):
//   model_hash     the receipt names the model the network registered (the validator's file);
//   prompt_hash    the prompt the client sent, tokenized, hashes to the receipt's prompt_hash;
//   sampling       the receipt states the sampler and seed the client asked for;
//   evidence       output tokens and one fingerprint per token generated here are present;
//   token_count    completion_token_count = tokens generated here, no more than max_tokens;
//   finish_reason  `length` only at max_tokens, `stop` only at an end-of-generation token or a stop
//                  string completed by the last token, no end token before the last;
//   tokens         each token is the draw the stated sampler and seed make from the validator's
//                  distribution — a different draw is a near tie (honest cross-device noise) when the
//                  uniform lies within near_tie_cdf of the miner token's interval of the cumulative
//                  distribution (greedy: its log-probability within near_tie_logprob of the top);
//   fingerprints   the miner's quantised log-probability of each token is within logprob_tolerance of
//                  the validator's (mean deviation under logprob_mean_tolerance), and its argmax bits
//                  agree where the validator's top two are further apart than argmax_tie_margin.
// `finish_reason: context` (the miner's context window was full) is accepted as stated: the miner's
// context size is not in the receipt. A json_object/json_schema job is replayed with the worker's
// mask (output_constraint.hpp), so a miner who ignored the format draws tokens the mask rules out.
// An embedding job is checked by embedding_audit.hpp instead (one prefill, the vectors compared).
#include <cstdint>
#include <string>

#include "kernels/engine/llama_engine.hpp"
#include "actors/gpu_worker/output_constraint.hpp"
#include "actors/validator/compiled_schema_cache.hpp"
#include "kernels/model/tokenizer.hpp"
#include "messages/challenge.hpp"
#include "runtime/fork_join_pool.hpp"
#include "runtime/result.hpp"

namespace infergrid::validator {

// Defaults and the measurements behind them: deploy/readme/validation.md.
struct audit_tolerances {
  double near_tie_cdf = 0.02;              // sampled tokens: |u - the miner token's CDF interval|
  float rank_tie_logit = 0.1f;             // sampled tokens: logits this close may rank either way on another device
  float rank_swap_free_logit = 0.005f;     // ... and this close, it is rounding noise: not a near tie
  double near_tie_logprob = 0.5;           // greedy tokens: top log-probability - the miner token's
  double near_tie_fraction_max = 0.1;      // more near ties than this share of checked tokens convicts
  std::uint32_t near_ties_free = 2;        // ... beyond this many
  std::uint32_t implausible_tokens_max = 0;  // tokens no tolerance explains
  double logprob_tolerance = 0.5;          // nats, per token
  double logprob_mean_tolerance = 0.1;     // nats, mean over the checked tokens
  std::uint32_t mean_tokens_min = 16;      // the mean is judged from this many tokens on
  double fingerprint_fraction_max = 0.1;   // more fingerprint mismatches than this share convicts
  std::uint32_t fingerprint_mismatches_free = 2;  // ... beyond this many
  double argmax_tie_margin = 0.25;         // nats between the validator's top two for the argmax bits to count
  double embedding_cosine_min = 0.999;     // embedding jobs: least cosine of the miner's vector and the validator's
};

struct audit_outcome {
  bool guilty = false;
  std::string reason;  // "" when innocent
  std::string detail;
  audit_evidence evidence;
  bool canary = false;  // set by the validator for its own canaries
  // Where the replay's time went (not signed, not kept): the device's prefills with their logits
  // copied out, and the host's per-position checks. On a GPU the second is most of an audit.
  double device_ms = 0;
  double checks_ms = 0;
};

struct audit_model {
  engine::llama_engine& engine;  // its slot 0 is used
  const model::tokenizer& vocab;
  std::string model_name;
  std::string model_hash;  // hex, the registered model's content hash
  const gpu_worker::output_masks* masks = nullptr;  // for output_format jobs; null = built per audit
  compiled_schema_cache* schemas = nullptr;         // for json_schema jobs; null = compiled per audit
  fork_join_pool* checks = nullptr;                 // checks positions in parallel; null = one at a time
};

// error: the job cannot be replayed here (another model, longer than the validator's context, an
// output_schema this validator cannot compile, device failure) — no verdict; otherwise the outcome.
result<audit_outcome> audit_job(audit_model& model, const inference_request& request, const completion_receipt& receipt,
                                const audit_tolerances& tolerances);

// A segment paid from chunk claims (claimed_segment, its claim verified: verify_claimed_segment):
// check_segment's checks, then the same replay, its positions checked from segment.first_index
// (those before are teacher-forced: another worker streamed them).
result<audit_outcome> audit_segment(audit_model& model, const inference_request& request, const claimed_segment& segment,
                                    const audit_tolerances& tolerances);

}  // namespace infergrid::validator

#pragma once
// Challenge / verification protocol (tags 300–399): the matchmaker hands every finished job's
// receipt, with the request it answers, to each validator; a validator audits an unpredictable share
// of them by replaying the answer as one teacher-forced prefill (actors/validator) and publishes a
// signed verdict with its evidence.
//
//   gpu_worker ──completion_receipt──▶ matchmaker ──audit_request──▶ validator
//   validator ──verdict_message (messages/ledger.hpp)──▶ settlement   (conviction and slashing at a quorum)
//   validator ──audit_verdict──▶ matchmaker                           (reputation, routing)
//
// Fields are appended only; a new field gets a default that means "as before".
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "messages/inference.hpp"
#include "messages/ledger.hpp"
#include "messages/message_registry.hpp"

namespace infergrid {

// What a worker streamed of a request that ended without that worker's receipt — the segment
// before a failover (worker A streamed positions [first_index, first_index + n), then B finished),
// a cancelled stream, a lost or failed job — and was paid from its last signed chunk claim
// (chunk_claim.hpp). The claim binds the evidence: its digest chains, chunk by chunk, the chunk's
// tokens and fingerprints from first_chunk_claim_digest(request, first_index).
struct claimed_segment {
  std::string worker_id;
  std::uint32_t first_index = 0;
  std::vector<std::int32_t> output_tokens;  // every generated token from position 0 to the segment's end
  std::vector<std::uint32_t> chunk_tokens;  // tokens per chunk of the segment, in order (the digest's steps)
  std::vector<std::uint8_t> fingerprints;   // one token_fingerprint per token of the segment
  settle_receipt claim;                     // the worker's last chunk claim, as it is paid
  MSGPACK_DEFINE(worker_id, first_index, output_tokens, chunk_tokens, fingerprints, claim)
};

// A finished job for the validators: the request as the client sent it (prompt, sampling,
// max_tokens, stop strings) and the worker's signed receipt with its evidence.
// `escalated`: a validator found it guilty, so every other validator replays it regardless of its
// audit rate (cross-verification: a conviction needs a quorum of guilty verdicts on one receipt).
struct audit_request {
  static constexpr message_type id = message_type::audit_request;
  static constexpr std::uint16_t version = 1;
  inference_request request;
  completion_receipt receipt;
  bool escalated = false;
  // Appended: set when the audit is of a segment paid from chunk claims (claimed_segment) rather
  // than of a receipt; `receipt` is then empty. Older validators find no valid receipt and skip it.
  std::optional<claimed_segment> segment;
  MSGPACK_DEFINE(request, receipt, escalated, segment)
};
IG_REGISTER_MESSAGE(audit_request);

// What a replay measured. Positions are generated positions (0 = the first generated token).
struct audit_evidence {
  std::uint32_t tokens_checked = 0;
  std::uint32_t implausible_tokens = 0;      // not the draw the stated sampler and seed make, beyond tolerance
  std::uint32_t near_ties = 0;               // another draw, within the near-tie tolerance (honest noise)
  std::uint32_t fingerprint_mismatches = 0;  // logprob off by more than the tolerance, or argmax bits wrong
  std::int32_t first_bad_position = -1;      // -1: none
  float logprob_deviation_mean = 0;          // |miner's fingerprint logprob - validator's|, nats
  float logprob_deviation_max = 0;
  std::uint32_t replay_ms = 0;               // the validator's replay time
  float embedding_cosine = 0;                // embedding jobs: cosine of the miner's vector and the validator's
  // Another draw only because tokens within rank_swap_free_logit of each other ranked the other way
  // (rounding noise; not near ties, not limited). Appended: 0 from older validators.
  std::uint32_t rank_swaps = 0;
  MSGPACK_DEFINE(tokens_checked, implausible_tokens, near_ties, fingerprint_mismatches, first_bad_position,
                 logprob_deviation_mean, logprob_deviation_max, replay_ms, embedding_cosine, rank_swaps)
};

// A validator's verdict on one receipt, signed by the validator's key (validator = public key hex)
// over the MessagePack body with an empty signature. `reason` names the failed check ("" when
// innocent): model_hash, prompt_hash, sampling, evidence, token_count, finish_reason, tokens,
// fingerprints, embedding.
struct audit_verdict {
  static constexpr message_type id = message_type::audit_verdict;
  static constexpr std::uint16_t version = 1;
  std::string request_id;
  std::string miner;
  std::string validator;
  bool guilty = false;
  std::string reason;
  std::string detail;  // a sentence for people (logs, `infergrid trace`)
  audit_evidence evidence;
  bool canary = false;  // the request was the validator's own canary
  std::vector<std::uint8_t> signature;
  MSGPACK_DEFINE(request_id, miner, validator, guilty, reason, detail, evidence, canary, signature)
};
IG_REGISTER_MESSAGE(audit_verdict);

// `infergrid trace`: what the matchmaker remembers of a finished request (audit_memory): the
// request, the receipts that came for it, the audit verdicts and whether it was escalated.
struct trace_query {
  static constexpr message_type id = message_type::trace_query;
  static constexpr std::uint16_t version = 1;
  std::string request_id;
  MSGPACK_DEFINE(request_id)
};
IG_REGISTER_MESSAGE(trace_query);

struct trace_report {
  static constexpr message_type id = message_type::trace_report;
  static constexpr std::uint16_t version = 1;
  std::string request_id;
  inference_request request;
  std::vector<std::string> worker_ids;  // who was dispatched the request, in order
  std::vector<completion_receipt> receipts;
  std::vector<audit_verdict> verdicts;
  bool escalated = false;
  // Appended: the segments paid from chunk claims (a failover's earlier workers, a cancelled or lost
  // stream), audited like receipts. Empty from older matchmakers.
  std::vector<claimed_segment> segments;
  MSGPACK_DEFINE(request_id, request, worker_ids, receipts, verdicts, escalated, segments)
};
IG_REGISTER_MESSAGE(trace_report);

}  // namespace infergrid

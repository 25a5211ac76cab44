#pragma once
// Inference protocol (tags 100–199): what a client asks for, how tokens come back, how a job is
// handed to a worker and how a worker proves what it computed.
//
//   client ──inference_request──▶ gateway ──inference_request──▶ matchmaker ──inference_job──▶ gpu_worker
//   client ◀─token_chunk…/completion_result/error_reply── gateway ◀─token_chunk…/inference_failed── matchmaker ◀─token_chunk…
//   gpu_worker ──completion_receipt──▶ matchmaker ──▶ its receipts_to (settlement: pays the miner)
//
// Fields are appended only; a new field gets a default that means "as before".
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "messages/job_price.hpp"
#include "messages/message_registry.hpp"

namespace infergrid {

// Sampling as the client asks for it (llama.cpp semantics, see kernels/model/sampler.hpp).
// The draw for the token at generated position i uses an RNG seeded from (seed, i), so a job
// resumed on another worker from i continues with exactly the tokens the first one would have made.
// OpenAI's logit_bias entry: `bias` (-100..100) is added to the token's logit before anything else.
struct token_bias {
  std::int32_t token = 0;
  float bias = 0.0f;
  MSGPACK_DEFINE(token, bias)
  bool operator==(const token_bias&) const = default;
};

struct sampling_params {
  float temperature = 0.0f;  // <= 0: greedy
  std::int32_t top_k = 40;
  float top_p = 0.95f;
  float min_p = 0.05f;
  float repeat_penalty = 1.0f;
  float frequency_penalty = 0.0f;
  float presence_penalty = 0.0f;
  std::int32_t repeat_last_n = 64;
  std::uint64_t seed = 0;
  std::vector<token_bias> logit_bias;  // empty: none
  // "" free text; "json_object": every draw is masked to tokens that continue one JSON object
  // (kernels/model/json_token_mask.hpp), and generation ends when it is complete;
  // "json_schema": the output is output_prefix, then one JSON value valid against output_schema,
  // then output_suffix (tool calls: prefix "<tool_call>\n", suffix "\n</tool_call>"), and
  // generation ends after it.
  std::string output_format;
  std::string output_schema;  // JSON Schema text, for output_format "json_schema"
  std::string output_prefix;  // literal text before the JSON value ("json_schema" only)
  std::string output_suffix;  // literal text after it ("json_schema" only)
  MSGPACK_DEFINE(temperature, top_k, top_p, min_p, repeat_penalty, frequency_penalty, presence_penalty,
                 repeat_last_n, seed, logit_bias, output_format, output_schema, output_prefix, output_suffix)
};

// Per-request routing preferences (OpenRouter-style). Empty / zero means "no preference".
struct routing_preferences {
  std::uint64_t max_price_prompt_micro = 0;      // per 1k prompt tokens, micro-units; 0 = no cap
  std::uint64_t max_price_completion_micro = 0;  // per 1k completion tokens, micro-units; 0 = no cap
  std::vector<std::string> allowed_quantisations;  // e.g. {"F32","Q8_0"}; empty = any
  std::uint32_t min_reputation_permille = 0;     // 0..1000; the neutral default score is 500
  std::vector<std::string> preferred_miners;     // worker ids (public key hex), tried first
  std::vector<std::string> excluded_miners;      // never used
  bool allow_fallbacks = true;                   // false: only preferred miners may serve
  MSGPACK_DEFINE(max_price_prompt_micro, max_price_completion_micro, allowed_quantisations, min_reputation_permille,
                 preferred_miners, excluded_miners, allow_fallbacks)
};

// Most alternatives a request may ask for per token (OpenAI's bound for top_logprobs).
inline constexpr std::uint32_t max_top_logprobs = 20;

// A client's request. `request_id` is chosen by the client (unique per client); the gateway
// prefixes it with the client's connection so ids from different clients never collide.
struct inference_request {
  static constexpr message_type id = message_type::inference_request;
  static constexpr std::uint16_t version = 1;
  std::string request_id;
  std::string model;                       // model name as workers advertise it ("stories260k")
  std::string prompt;                      // text; ignored when prompt_tokens is not empty
  std::vector<std::int32_t> prompt_tokens;  // already tokenized prompt (BOS included)
  sampling_params sampling;
  std::uint32_t max_tokens = 64;
  std::vector<std::string> stop;           // stop strings (not included in the output)
  routing_preferences routing;
  std::int64_t deadline_ms = 0;            // Unix ms; 0 = the gateway's default
  bool stream = false;                     // true: token_chunk messages as they come
  std::string reply_to;                    // set by the gateway: where the matchmaker streams to
  bool logprobs = false;                   // true: each chunk carries a token_logprob per token
  std::uint32_t top_logprobs = 0;          // alternatives per token, 0..max_top_logprobs; needs logprobs
  // true: an embedding job — the worker prefills the prompt, generates nothing (max_tokens 0) and
  // answers one last chunk carrying the prompt's embedding (token_chunk::embedding).
  bool embedding = false;
  // Strings that end the output once it contains one, kept in it (stop strings are cut): the HTTP
  // bridge ends a reply at its first `</tool_call>` when the client asked for one call
  // (parallel_tool_calls false). Validators replay it as they replay stop strings.
  std::vector<std::string> stop_after;
  // Set by the HTTP bridge, which takes every job as a stream (`stream` true): its client asked for
  // one whole answer. Only `infergrid trace` and the dashboard read it (client_streamed()).
  bool whole_answer_to_client = false;
  // Set by the HTTP bridge: it vouches for delivery (actors/matchmaker/vouched_jobs.hpp). While it
  // holds jobs here it asks at least this often which the matchmaker holds (held_requests_query) and
  // names each it received to the end; the receipt is paid once it did, and the jobs of a submitter
  // gone silent are settled for what it had received. 0: it does not (a gateway's REQ clients).
  std::int64_t submitter_check_ms = 0;
  // Set by the HTTP bridge for a thinking model's reply (chat::reasoning_splitter's rule): stop_after
  // strings inside the reasoning block do not count (a `</tool_call>` the model thinks about ends
  // nothing; only one in the answer does). Validators replay it with stop_after.
  static constexpr std::uint8_t stop_after_anywhere = 0;
  static constexpr std::uint8_t stop_after_past_reply_block = 1;   // a <think> block the reply opens at its start
  static constexpr std::uint8_t stop_after_past_prompt_block = 2;  // the block the prompt already opened
  std::uint8_t stop_after_reasoning = stop_after_anywhere;
  MSGPACK_DEFINE(request_id, model, prompt, prompt_tokens, sampling, max_tokens, stop, routing, deadline_ms, stream,
                 reply_to, logprobs, top_logprobs, embedding, stop_after, whole_answer_to_client, submitter_check_ms,
                 stop_after_reasoning)

  // Whether the client that sent it got the answer as a stream.
  bool client_streamed() const { return stream && !whole_answer_to_client; }
};
IG_REGISTER_MESSAGE(inference_request);

// One token and its natural-log probability under the model's raw distribution (the logits'
// log-softmax, before temperature and penalties, as OpenAI and vLLM report it).
struct token_probability {
  std::int32_t token = 0;
  std::string text;  // the bytes this token stands for (may be part of a UTF-8 character)
  float logprob = 0;
  MSGPACK_DEFINE(token, text, logprob)
};

// What a request with `logprobs` gets for each generated token: the sampled token and the
// request's top_logprobs most likely tokens at that position, most likely first.
struct token_logprob {
  token_probability chosen;
  std::vector<token_probability> top;
  MSGPACK_DEFINE(chosen, top)
};

// Finish reasons carried by the last chunk.
inline constexpr const char* finish_length = "length";  // max_tokens reached
inline constexpr const char* finish_stop = "stop";      // EOS or a stop string
inline constexpr const char* finish_context = "context";  // the context window is full
inline constexpr const char* finish_cancelled = "cancelled";

// Some consecutive generated tokens. `index` is the position (0-based, among generated tokens)
// of tokens[0]; a receiver appends a chunk only when index equals what it has so far, which makes
// duplicate and replayed chunks harmless. The last chunk has a non-empty finish_reason.
struct token_chunk {
  static constexpr message_type id = message_type::token_chunk;
  static constexpr std::uint16_t version = 1;
  std::string request_id;
  std::uint32_t index = 0;
  std::vector<std::int32_t> tokens;
  std::string text;           // the text these tokens complete (UTF-8 held back until whole)
  std::string finish_reason;  // "" until the last chunk
  std::string worker_id;      // who computed it
  std::uint32_t prompt_token_count = 0;
  std::vector<token_logprob> logprobs;  // one per token when the request asked for logprobs, else empty
  // The worker's running claim, signed in settlement's receipt format (messages/ledger.hpp,
  // settle_receipt): "worker_id generated claim_completion_tokens tokens of request_id so far, after
  // prompt_token_count prompt tokens", claim_digest chaining every chunk it sent for the request
  // (actors/gpu_worker/receipt_signing.hpp, chunk claims). Whoever forwarded the chunks can have the
  // worker paid for exactly them if the request ends without its receipt (failover, cancel).
  // Zero / empty from workers older than these fields.
  std::uint32_t claim_completion_tokens = 0;
  std::vector<std::uint8_t> claim_digest;     // 32 bytes
  std::vector<std::uint8_t> claim_signature;  // 64 bytes
  std::optional<job_price> claim_price;        // the price the claim is signed at; none from older workers
  // An embedding job's answer, on its last chunk: the mean over the prompt's tokens of the model's
  // final hidden state (after output_norm), scaled to unit length (kernels/engine embed()).
  std::vector<float> embedding;
  // Appended: one token_fingerprint (kernels/model/token_fingerprint.hpp, 2 bytes) per token of the
  // chunk, chained into claim_digest with the tokens (chunk_claim.hpp): a worker paid from its chunk
  // claims — a segment before a failover, a cancelled stream — can be audited like a receipt
  // (deploy/readme/validation.md "Segments"). Empty from older workers.
  std::vector<std::uint8_t> fingerprints;
  MSGPACK_DEFINE(request_id, index, tokens, text, finish_reason, worker_id, prompt_token_count, logprobs,
                 claim_completion_tokens, claim_digest, claim_signature, claim_price, embedding, fingerprints)
};
IG_REGISTER_MESSAGE(token_chunk);

// Stop a request (client → gateway → matchmaker → worker); the slot is freed at the next step.
struct cancel_inference {
  static constexpr message_type id = message_type::cancel_inference;
  static constexpr std::uint16_t version = 1;
  std::string request_id;
  MSGPACK_DEFINE(request_id)
};
IG_REGISTER_MESSAGE(cancel_inference);

// A request ended without completing (matchmaker → gateway, worker → matchmaker).
struct inference_failed {
  static constexpr message_type id = message_type::inference_failed;
  static constexpr std::uint16_t version = 1;
  std::string request_id;
  std::uint16_t code = 0;  // infergrid::error_code
  std::string message;
  MSGPACK_DEFINE(request_id, code, message)
};
IG_REGISTER_MESSAGE(inference_failed);

// The whole answer to a non-streaming request (gateway → REQ client).
struct completion_result {
  static constexpr message_type id = message_type::completion_result;
  static constexpr std::uint16_t version = 1;
  std::string request_id;
  std::vector<std::int32_t> tokens;
  std::string text;
  std::string finish_reason;
  std::uint32_t prompt_token_count = 0;
  std::vector<std::string> worker_ids;  // every worker that contributed, in order
  std::vector<token_logprob> logprobs;  // one per token when the request asked for logprobs, else empty
  std::string grid_request_id;  // the id the grid knew it by (`infergrid trace`); "" from older gateways
  std::vector<float> embedding;  // an embedding request's answer (token_chunk::embedding)
  MSGPACK_DEFINE(request_id, tokens, text, finish_reason, prompt_token_count, worker_ids, logprobs, grid_request_id,
                 embedding)
};
IG_REGISTER_MESSAGE(completion_result);

// Signed by the worker at the end of a job: what it computed, so settlement can pay and a
// validator can re-run it. signature = Ed25519 over encode_body(receipt with empty signature).
struct completion_receipt {
  static constexpr message_type id = message_type::completion_receipt;
  static constexpr std::uint16_t version = 1;
  std::string request_id;
  std::string worker_id;       // public key hex
  std::string model;
  std::string model_hash;      // content hash hex of the GGUF file (gguf_file::content_hash, computed once at load)
  std::string prompt_hash;     // BLAKE2b-256 hex of the prompt token ids (little-endian int32)
  std::uint32_t prompt_token_count = 0;
  std::uint32_t first_index = 0;       // first generated position this worker computed (resume point)
  std::uint32_t completion_token_count = 0;  // tokens this worker generated
  sampling_params sampling;
  std::uint64_t price_prompt_micro = 0;      // per 1k, as advertised
  std::uint64_t price_completion_micro = 0;  // per 1k, as advertised
  std::string finish_reason;
  std::vector<std::uint8_t> signature;  // 64 bytes
  // The same worker's Ed25519 signature in settlement's receipt format (messages/ledger.hpp,
  // settle_receipt): over msgpack["infergrid.receipt.v1", [request_id, worker_id, prompt_token_count,
  // completion_token_count, BLAKE2b-256 of this body with both signatures empty]]. Empty from
  // workers older than this field.
  std::vector<std::uint8_t> settlement_signature;
  // Evidence a validator replays (actors/validator): every generated token from position 0 (tokens
  // streamed by an earlier worker before a failover included), and one token_fingerprint
  // (kernels/model/token_fingerprint.hpp, 2 bytes) per token this worker generated, from first_index.
  // Empty from workers older than these fields.
  std::vector<std::int32_t> output_tokens;
  std::vector<std::uint8_t> fingerprints;
  // An embedding job's answer as the worker sent it (token_chunk::embedding): validators recompute it
  // and compare directions (actors/validator/embedding_audit.hpp). Empty for completions.
  std::vector<float> embedding;
  MSGPACK_DEFINE(request_id, worker_id, model, model_hash, prompt_hash, prompt_token_count, first_index,
                 completion_token_count, sampling, price_prompt_micro, price_completion_micro, finish_reason, signature,
                 settlement_signature, output_tokens, fingerprints, embedding)
};
IG_REGISTER_MESSAGE(completion_receipt);

// Matchmaker → worker: run `request` from generated position resume_tokens.size(), the tokens
// before it being already streamed (failover). Answered with job_accepted or an error_reply
// (unavailable = queue full, not_found = model not served).
struct inference_job {
  static constexpr message_type id = message_type::inference_job;
  static constexpr std::uint16_t version = 1;
  inference_request request;
  std::vector<std::int32_t> prompt_tokens;  // tokenized by the matchmaker's first worker; empty = tokenize
  std::vector<std::int32_t> resume_tokens;
  std::string reply_to;                     // where chunks and the receipt go
  std::uint64_t attempt = 0;                // 0 first, +1 per failover (logs)
  MSGPACK_DEFINE(request, prompt_tokens, resume_tokens, reply_to, attempt)
};
IG_REGISTER_MESSAGE(inference_job);

struct job_accepted {
  static constexpr message_type id = message_type::job_accepted;
  static constexpr std::uint16_t version = 1;
  std::string request_id;
  std::string worker_id;
  std::uint32_t queued_ahead = 0;  // jobs waiting for a slot before this one
  MSGPACK_DEFINE(request_id, worker_id, queued_ahead)
};
IG_REGISTER_MESSAGE(job_accepted);

}  // namespace infergrid

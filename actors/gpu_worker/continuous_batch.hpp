#pragma once
// continuous_batch: the worker's scheduler over the engine's KV-cache slots. Jobs wait in a
// bounded queue; at each step boundary waiting jobs prefill into free slots, every running
// sequence decodes one token in the same engine step, and finished or cancelled sequences leave
// and free their slot. Tokens are grouped into chunks (the first token of a job goes out at once,
// then every chunk_tokens tokens or chunk_interval_ms, whichever comes first; non-streaming
// requests every quiet_chunk_interval_ms). A request with `logprobs` gets one token_logprob per
// token in its chunks (logprob_entry.hpp), from the logits the step returns anyway: the worker
// samples every token on the CPU: after each step the running sequences draw their next tokens at
// once, on as many threads as draw_threads allows (each from its own row of logits; on a 150k-token
// vocabulary a draw takes 0.1-0.5 ms, which one thread would add up per sequence; rows under 16k
// logits are drawn on the actor's thread, where waking a helper costs more than the draw). An
// embedding job (inference_request::embedding) takes a slot for one prefill and is answered with
// one last chunk carrying the prompt's embedding.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "actors/gpu_worker/cheat_mode.hpp"
#include "actors/gpu_worker/output_constraint.hpp"
#include "actors/gpu_worker/sequence_text.hpp"
#include "kernels/engine/llama_engine.hpp"
#include "runtime/identity.hpp"
#include "kernels/model/tokenizer.hpp"
#include "messages/inference.hpp"
#include "runtime/fork_join_pool.hpp"
#include "runtime/result.hpp"

namespace infergrid::gpu_worker {

struct batch_limits {
  std::uint32_t queue_capacity = 16;      // jobs waiting for a slot; more are refused (unavailable)
  std::uint32_t chunk_tokens = 4;         // tokens per chunk after the first
  std::int64_t chunk_interval_ms = 20;    // a partial chunk goes out after this long
  // Non-streaming requests (the client wants the whole answer) send a chunk only this often: fewer
  // messages, while the matchmaker still sees progress (stall detection) and can resume from it.
  std::int64_t quiet_chunk_interval_ms = 200;
  // Threads drawing the running sequences' next tokens after a step, this one included (0: one per
  // hardware thread); never more than the slots.
  std::uint32_t draw_threads = 0;
  // Rows shorter than this are drawn on the actor's thread alone: a draw then takes a few
  // microseconds, less than waking a helper thread costs (tests set 0 to draw small rows in parallel).
  std::size_t parallel_draw_min_logits = 16384;
};

// What a finished sequence did, for its signed receipt.
struct sequence_summary {
  inference_request request;
  std::vector<std::int32_t> prompt_tokens;
  std::uint32_t first_index = 0;
  std::uint32_t generated_here = 0;
  std::string finish_reason;
  std::vector<std::int32_t> output_tokens;  // every generated token from position 0 (resumed ones included)
  std::vector<std::uint8_t> fingerprints;   // token_fingerprint per token generated here
  job_price price;                          // the worker's ask when it accepted the job
  std::vector<float> embedding;             // an embedding job's answer (unit length)
};

// One message for the actor to send after a step.
struct batch_event {
  std::string reply_to;
  std::optional<token_chunk> chunk;
  std::optional<inference_failed> failure;
  std::optional<sequence_summary> finished;  // set with the last chunk
};

class continuous_batch {
 public:
  continuous_batch(engine::llama_engine& engine, const model::tokenizer& vocab, batch_limits limits,
                   std::string worker_id, cheat_mode cheat = cheat_mode::none);

  // Queues a job; errors: unavailable (queue full), invalid_argument / too_large (bad prompt),
  // conflict (request id already here). Returns how many jobs wait ahead of it. `price` is the
  // worker's ask now: every chunk claim and the receipt of the job are signed at it.
  result<std::uint32_t> admit(inference_job job, job_price price = {});
  // Frees the request's slot (or queue place) at the next step; no more chunks are sent for it.
  void cancel(const std::string& request_id);
  // One engine step over every running sequence (and the queued jobs that fit into free slots).
  std::vector<batch_event> step();

  bool idle() const { return running_count() == 0 && waiting_.empty(); }
  std::uint32_t running_count() const;
  std::uint32_t queued_count() const { return static_cast<std::uint32_t>(waiting_.size()); }
  std::uint32_t free_slots() const;
  std::uint64_t tokens_generated() const { return tokens_generated_; }

 private:
  using clock = std::chrono::steady_clock;
  struct sequence {
    inference_job job;
    std::vector<model::token_id> history;  // prompt + generated
    std::size_t prompt_count = 0;
    std::uint32_t generated = 0;           // generated positions, resumed ones included
    std::uint32_t first_index = 0;
    std::uint32_t cached = 0;              // positions in the slot's KV cache
    std::vector<std::uint8_t> fingerprints;  // one token_fingerprint per token generated here
    sequence_text text;
    std::optional<output_constraint> constraint;  // output_format's mask state
    std::vector<float> masked_logits;             // the constraint's copy of the row (its own: draws run in parallel)
    token_chunk pending;
    clock::time_point last_flush{};
    bool cancelled = false;
    digest claim_digest{};  // the chunk claims' chain over what was flushed (chunk_claim.hpp)
  };

  result<sequence> prepare(inference_job job) const;
  void fill_free_slots();
  void finish(std::uint32_t slot, const char* reason, std::vector<batch_event>& out);
  // The next token of `s` from its row of the step, with its fingerprint (and logprobs): the
  // per-token work on the whole row, one sequence's own state alone (run in parallel). no_token
  // for a row without a finite logit (a broken model: finite_logits.hpp), which fails the job.
  static constexpr model::token_id no_token = -1;
  model::token_id choose(sequence& s, std::span<const float> logits);
  // Takes the chosen token into the sequence's text and chunks; finishes it where it ends.
  void advance(std::uint32_t slot, model::token_id next, std::vector<batch_event>& out);
  // Embedding jobs in slots are answered whole, before the step's generation (one prefill each).
  void run_embeddings(std::vector<batch_event>& out);
  void fail(std::uint32_t slot, const error& failure, std::vector<batch_event>& out);
  void flush(sequence& s, bool last, std::vector<batch_event>& out);

  engine::llama_engine& engine_;
  const model::tokenizer& vocab_;
  batch_limits limits_;
  std::string worker_id_;
  token_cheat cheat_;  // none outside tests (cheat_mode.hpp)
  output_masks masks_;  // output_format json_object / json_schema, over this vocabulary
  fork_join_pool draws_;
  std::vector<std::optional<sequence>> slots_;
  std::deque<sequence> waiting_;
  std::uint64_t tokens_generated_ = 0;
};

}  // namespace infergrid::gpu_worker

#include "actors/gpu_worker/continuous_batch.hpp"

#include <algorithm>
#include <cmath>

#include "actors/gpu_worker/chunk_claim.hpp"
#include "actors/gpu_worker/logprob_entry.hpp"
#include "actors/gpu_worker/seeded_sampling.hpp"
#include "kernels/model/embedding_vector.hpp"
#include "kernels/model/finite_logits.hpp"
#include "kernels/model/token_fingerprint.hpp"

namespace infergrid::gpu_worker {

continuous_batch::continuous_batch(engine::llama_engine& engine, const model::tokenizer& vocab, batch_limits limits,
                                   std::string worker_id, cheat_mode cheat)
    : engine_(engine),
      vocab_(vocab),
      limits_(limits),
      worker_id_(std::move(worker_id)),
      cheat_(cheat),
      masks_(vocab),
      // No helpers where every row is drawn on the actor's thread (a small vocabulary).
      draws_(pool_helpers(limits.draw_threads, vocab.vocab_size() >= limits.parallel_draw_min_logits ? engine.n_slots() : 1)),
      slots_(engine.n_slots()) {}

std::uint32_t continuous_batch::running_count() const {
  return static_cast<std::uint32_t>(std::count_if(slots_.begin(), slots_.end(), [](const auto& s) { return s.has_value(); }));
}

std::uint32_t continuous_batch::free_slots() const {
  return static_cast<std::uint32_t>(slots_.size()) - running_count();
}

result<continuous_batch::sequence> continuous_batch::prepare(inference_job job) const {
  const inference_request& request = job.request;
  std::vector<model::token_id> prompt = job.prompt_tokens;
  if (prompt.empty()) prompt = request.prompt_tokens;
  if (prompt.empty()) prompt = vocab_.encode(request.prompt);
  if (prompt.empty()) return make_error(error_code::invalid_argument, "the prompt is empty");
  const auto vocab_size = static_cast<model::token_id>(vocab_.vocab_size());
  const auto bad = [&](model::token_id t) { return t < 0 || t >= vocab_size; };
  if (std::any_of(prompt.begin(), prompt.end(), bad) || std::any_of(job.resume_tokens.begin(), job.resume_tokens.end(), bad)) {
    return make_error(error_code::invalid_argument, "a token id is outside the vocabulary (0.." +
                                                        std::to_string(vocab_size - 1) + ")");
  }
  for (const token_bias& b : request.sampling.logit_bias) {
    if (bad(b.token)) {
      return make_error(error_code::invalid_argument, "logit_bias names token " + std::to_string(b.token) +
                                                          ", outside this model's vocabulary (0.." +
                                                          std::to_string(vocab_size - 1) + ")");
    }
  }
  auto constraint = output_constraint::make(request.sampling);
  if (!constraint.ok()) return constraint.err();
  if (request.embedding) {  // one prefill, nothing generated: the whole context may hold the input
    if (request.max_tokens != 0 || !job.resume_tokens.empty() || !request.sampling.output_format.empty()) {
      return make_error(error_code::invalid_argument,
                        "an embedding job generates nothing: max_tokens 0, no resume tokens, no output_format");
    }
    if (prompt.size() > engine_.context_size()) {
      return make_error(error_code::too_large, "the input has " + std::to_string(prompt.size()) +
                                                   " tokens; the context holds " + std::to_string(engine_.context_size()));
    }
  } else {
    if (request.max_tokens == 0) return make_error(error_code::invalid_argument, "max_tokens is 0");
    if (job.resume_tokens.size() >= request.max_tokens) {
      return make_error(error_code::invalid_argument, "the job resumes after its last token");
    }
    const std::size_t total = prompt.size() + job.resume_tokens.size();
    if (total >= engine_.context_size()) {
      return make_error(error_code::too_large, "the prompt has " + std::to_string(total) +
                                                   " tokens; the context holds " + std::to_string(engine_.context_size()));
    }
  }
  sequence s{.job = {}, .history = {}, .prompt_count = prompt.size(), .generated = 0, .first_index = 0, .cached = 0,
             .fingerprints = {}, .text = sequence_text::of(vocab_, request), .constraint = std::move(*constraint),
             .masked_logits = {}, .pending = {}, .last_flush = {}, .cancelled = false, .claim_digest = {}};
  s.history = std::move(prompt);
  for (const auto token : s.history) s.text.prime(token);
  for (const auto token : job.resume_tokens) {
    s.history.push_back(token);
    (void)s.text.add(token);  // replays what was already streamed; its text went out before
  }
  s.generated = static_cast<std::uint32_t>(job.resume_tokens.size());
  s.first_index = s.generated;
  s.pending.request_id = request.request_id;
  s.pending.index = s.generated;
  s.pending.worker_id = worker_id_;
  s.pending.prompt_token_count = static_cast<std::uint32_t>(s.prompt_count);
  s.claim_digest = first_chunk_claim_digest(request.request_id, s.first_index);
  s.job = std::move(job);
  return s;
}

result<std::uint32_t> continuous_batch::admit(inference_job job, job_price price) {
  const std::string& id = job.request.request_id;
  for (const auto& s : slots_) {
    if (s && s->job.request.request_id == id && !s->cancelled) return make_error(error_code::conflict, "request " + id + " is already running here");
  }
  for (const auto& s : waiting_) {
    if (s.job.request.request_id == id) return make_error(error_code::conflict, "request " + id + " is already queued here");
  }
  if (waiting_.size() >= limits_.queue_capacity + free_slots()) {
    return make_error(error_code::unavailable, "worker queue full (" + std::to_string(limits_.queue_capacity) + " waiting)");
  }
  auto prepared = prepare(std::move(job));
  if (!prepared.ok()) return prepared.err();
  prepared->last_flush = clock::now();
  prepared->pending.claim_price = price;
  waiting_.push_back(std::move(*prepared));
  const auto free = free_slots();
  return static_cast<std::uint32_t>(waiting_.size() > free ? waiting_.size() - free : 0);
}

void continuous_batch::cancel(const std::string& request_id) {
  std::erase_if(waiting_, [&](const sequence& s) { return s.job.request.request_id == request_id; });
  for (auto& s : slots_) {
    if (s && s->job.request.request_id == request_id) s->cancelled = true;
  }
}

void continuous_batch::fill_free_slots() {
  for (std::size_t slot = 0; slot < slots_.size() && !waiting_.empty(); ++slot) {
    if (slots_[slot]) continue;
    slots_[slot] = std::move(waiting_.front());
    waiting_.pop_front();
  }
}

void continuous_batch::flush(sequence& s, bool last, std::vector<batch_event>& out) {
  if (s.pending.tokens.empty() && !last) return;
  // The running claim this chunk carries (signed by the actor, which holds the key).
  // The chunk's fingerprints: those of its tokens, the last generated here.
  const std::size_t prints = s.pending.tokens.size() * model::fingerprint_bytes_per_token;
  s.pending.fingerprints.assign(s.fingerprints.end() - static_cast<std::ptrdiff_t>(std::min(prints, s.fingerprints.size())),
                                s.fingerprints.end());
  s.claim_digest = next_chunk_claim_digest(s.claim_digest, s.pending.tokens, s.pending.fingerprints);
  s.pending.claim_completion_tokens = s.pending.index + static_cast<std::uint32_t>(s.pending.tokens.size()) - s.first_index;
  s.pending.claim_digest.assign(s.claim_digest.begin(), s.claim_digest.end());
  batch_event event;
  event.reply_to = s.job.reply_to;
  event.chunk = s.pending;
  out.push_back(std::move(event));
  s.pending.index += static_cast<std::uint32_t>(s.pending.tokens.size());
  s.pending.tokens.clear();
  s.pending.text.clear();
  s.pending.logprobs.clear();
  s.last_flush = clock::now();
}

void continuous_batch::finish(std::uint32_t slot, const char* reason, std::vector<batch_event>& out) {
  sequence& s = *slots_[slot];
  s.pending.finish_reason = reason;
  flush(s, true, out);
  const auto prompt_end = s.history.begin() + static_cast<std::ptrdiff_t>(s.prompt_count);
  out.back().finished = sequence_summary{s.job.request,   {s.history.begin(), prompt_end}, s.first_index,
                                         s.generated - s.first_index, reason, {prompt_end, s.history.end()},
                                         std::move(s.fingerprints),      s.pending.claim_price.value_or(job_price{}),
                                         s.pending.embedding};
  cheat_.remember(out.back().finished->output_tokens);
  slots_[slot].reset();
}

model::token_id continuous_batch::choose(sequence& s, std::span<const float> logits) {
  s.cached = static_cast<std::uint32_t>(s.history.size());
  const auto generated = std::span(s.history).subspan(s.prompt_count);
  const auto draw_logits = s.constraint->apply(masks_, generated, logits, s.masked_logits);
  const summarized_draw drawn = draw_and_summarize(s.job.request.sampling, logits, draw_logits, s.history, s.generated);
  if (!std::isfinite(drawn.row.max)) return no_token;  // a broken model's row: step() fails the job
  const model::token_id next = cheat_.replace(drawn.token, s.generated, s.job.request.max_tokens, vocab_);
  model::append_fingerprint(s.fingerprints, model::fingerprint_of(drawn.row, logits, next));
  if (s.job.request.logprobs) {
    s.pending.logprobs.push_back(logprob_entry(vocab_, drawn.row, logits, next, s.job.request.top_logprobs));
  }
  return next;
}

void continuous_batch::advance(std::uint32_t slot, model::token_id next, std::vector<batch_event>& out) {
  sequence& s = *slots_[slot];
  s.history.push_back(next);
  ++s.generated;
  ++tokens_generated_;
  s.pending.tokens.push_back(next);
  const bool first_here = s.generated == s.first_index + 1;
  if (vocab_.is_end_of_generation(next)) {
    s.pending.text += s.text.finish();
    return finish(slot, finish_stop, out);
  }
  auto delta = s.text.add(next);
  s.pending.text += delta.text;
  if (delta.stopped) return finish(slot, finish_stop, out);
  if (s.generated >= s.job.request.max_tokens) {
    s.pending.text += s.text.finish();
    return finish(slot, finish_length, out);
  }
  if (s.cached >= engine_.context_size()) {
    s.pending.text += s.text.finish();
    return finish(slot, finish_context, out);
  }
  const auto since_flush = clock::now() - s.last_flush;
  const bool due = s.job.request.stream ? first_here || s.pending.tokens.size() >= limits_.chunk_tokens ||
                                              since_flush >= std::chrono::milliseconds(limits_.chunk_interval_ms)
                                        : since_flush >= std::chrono::milliseconds(limits_.quiet_chunk_interval_ms);
  if (due) flush(s, false, out);
}

void continuous_batch::fail(std::uint32_t slot, const error& failure, std::vector<batch_event>& out) {
  const sequence& s = *slots_[slot];
  out.push_back({s.job.reply_to, std::nullopt,
                 inference_failed{s.job.request.request_id, static_cast<std::uint16_t>(failure.code),
                                  "worker " + worker_id_ + ": " + failure.message},
                 std::nullopt});
  slots_[slot].reset();
}

void continuous_batch::run_embeddings(std::vector<batch_event>& out) {
  for (std::uint32_t slot = 0; slot < slots_.size(); ++slot) {
    if (!slots_[slot] || !slots_[slot]->job.request.embedding) continue;
    sequence& s = *slots_[slot];
    auto mean = engine_.embed(slot, s.history);
    if (!mean.ok()) {
      fail(slot, mean.err(), out);
      continue;
    }
    s.pending.embedding = std::move(*mean);
    model::scale_to_unit_length(s.pending.embedding);  // as the API answers it
    cheat_.replace_embedding(s.pending.embedding);
    finish(slot, finish_stop, out);
  }
}

std::vector<batch_event> continuous_batch::step() {
  std::vector<batch_event> out;
  for (auto& s : slots_) {
    if (s && s->cancelled) s.reset();
  }
  fill_free_slots();
  run_embeddings(out);
  std::vector<engine::sequence_step> entries;
  std::vector<std::uint32_t> entry_slots;
  for (std::uint32_t slot = 0; slot < slots_.size(); ++slot) {
    if (!slots_[slot]) continue;
    sequence& s = *slots_[slot];
    const auto start = s.cached;
    entries.push_back({slot, std::span<const model::token_id>(s.history).subspan(start), start});
    entry_slots.push_back(slot);
  }
  if (entries.empty()) return out;
  // The rows are drawn from where the device wrote them; nothing calls the engine before the draws end.
  auto stepped = engine_.step(entries, {.logits = true, .greedy = false, .borrow_logits = true});
  if (!stepped.ok()) {
    // The device failed mid-step: every sequence in it fails (the matchmaker may resume them elsewhere).
    for (const auto slot : entry_slots) fail(slot, stepped.err(), out);
    return out;
  }
  std::vector<model::token_id> next(entry_slots.size());
  const auto choose_entry = [&](std::size_t i) { next[i] = choose(*slots_[entry_slots[i]], stepped->logits_of(i)); };
  // The cheats keep state: in order, on this thread. (Below parallel_draw_min_logits the pool has no
  // helpers and runs every draw here, in order.)
  if (cheat_.active()) {
    for (std::size_t i = 0; i < next.size(); ++i) choose_entry(i);
  } else {
    draws_.run(next.size(), choose_entry);
  }
  for (std::size_t i = 0; i < entry_slots.size(); ++i) {
    const sequence& s = *slots_[entry_slots[i]];
    if (next[i] == no_token) {
      fail(entry_slots[i], model::non_finite_logits(s.generated), out);
    } else {
      advance(entry_slots[i], next[i], out);
    }
  }
  return out;
}

}  // namespace infergrid::gpu_worker

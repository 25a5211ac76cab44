#pragma once
// Test support for continuous_batch on the real engine with stories260k: the shared model, jobs,
// and running a batch until idle while checking that each request's chunks arrive in order.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "actors/gpu_worker/continuous_batch.hpp"
#include "kernels/model/test_support.hpp"

namespace infergrid::gpu_worker {
namespace {

struct fixture {
  model::gguf_file file = std::move(model::gguf_file::open(model::testing_support::stories260k_path())).value();
  model::tokenizer vocab = std::move(model::tokenizer::from_gguf(file)).value();
  engine::llama_engine engine = std::move(engine::llama_engine::create(file, {.n_slots = 3, .context_size = 256})).value();
};

fixture& shared() {
  static fixture f;
  return f;
}

inference_job make_job(std::string id, std::string prompt, std::uint32_t max_tokens, float temperature = 0.0f) {
  inference_job job;
  job.request.request_id = std::move(id);
  job.request.model = "stories260k";
  job.request.prompt = std::move(prompt);
  job.request.max_tokens = max_tokens;
  job.request.sampling.temperature = temperature;
  job.request.sampling.seed = 1234;
  job.reply_to = "test";
  return job;
}

struct collected {
  std::vector<std::int32_t> tokens;
  std::string text;
  std::string finish_reason;
  std::vector<token_logprob> logprobs;
};

// Steps until idle (bounded) and gathers each request's chunks, checking they arrive in order.
std::map<std::string, collected> run_to_completion(continuous_batch& batch) {
  std::map<std::string, collected> out;
  std::map<std::string, std::uint32_t> first_index;
  for (int guard = 0; guard < 10000 && !batch.idle(); ++guard) {
    for (auto& event : batch.step()) {
      EXPECT_FALSE(event.failure.has_value());
      if (!event.chunk) continue;
      auto& c = out[event.chunk->request_id];
      if (!first_index.contains(event.chunk->request_id)) first_index[event.chunk->request_id] = event.chunk->index;
      EXPECT_EQ(event.chunk->index, first_index[event.chunk->request_id] + c.tokens.size());
      c.tokens.insert(c.tokens.end(), event.chunk->tokens.begin(), event.chunk->tokens.end());
      c.text += event.chunk->text;
      c.logprobs.insert(c.logprobs.end(), event.chunk->logprobs.begin(), event.chunk->logprobs.end());
      if (!event.chunk->finish_reason.empty()) c.finish_reason = event.chunk->finish_reason;
    }
  }
  EXPECT_TRUE(batch.idle());
  return out;
}

// Runs `job` (id "part") resumed after the first `cut` tokens of `whole`; `joined` = those tokens
// followed by what the resumed job generated, which must equal `whole` when resumption is exact.
struct resumed_run {
  collected rest;
  std::vector<std::int32_t> joined;
};
inline resumed_run resume_after(continuous_batch& batch, inference_job job, const std::vector<std::int32_t>& whole,
                                std::size_t cut) {
  job.resume_tokens.assign(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(cut));
  EXPECT_TRUE(batch.admit(job).ok());
  resumed_run run{run_to_completion(batch)["part"], job.resume_tokens};
  run.joined.insert(run.joined.end(), run.rest.tokens.begin(), run.rest.tokens.end());
  return run;
}

}  // namespace
}  // namespace infergrid::gpu_worker

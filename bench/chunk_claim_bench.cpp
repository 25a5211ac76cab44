// chunk_claim_bench: what signing every token_chunk's claim costs a worker (issue 14), against the
// decode it rides on, both measured in this process. For each chunk it sends, a worker extends the
// request's claim digest (BLAKE2b over the chunk's tokens) and signs its running claim (Ed25519 over
// settlement's receipt bytes: chunk_claim.hpp) on the thread that also drives the engine, so the
// claims add to decode time one for one. Nobody verifies a claim per chunk: the ledger checks one
// signature when a claim is settled (a failover or a cancelled stream).
//   chunk_claim_bench [--model FILE.gguf]... [--generated 100m-f16|100m-q4_k] [--chunks N]
//     default: the bundled stories260k and a generated ~100M-parameter F16 Llama (the engine's bench
//     size). Prints µs per claim at 1 and 4 tokens per chunk (4 = the worker's chunk_tokens default),
//     decode ms per step at batch 1 and 8, and the claims' share of a step's time: at batch B each
//     step makes B tokens, so B / chunk_tokens claims.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <array>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "actors/gpu_worker/chunk_claim.hpp"
#include "kernels/engine/llama_engine.hpp"
#include "kernels/model/ggml_type.hpp"
#include "kernels/model/random_llama.hpp"
#include "runtime/identity.hpp"

namespace ig = infergrid;

namespace {

constexpr std::uint32_t prompt_tokens = 32;
constexpr int decode_steps = 32;
constexpr std::array<std::uint32_t, 2> batches{1, 8};
constexpr std::array<std::uint32_t, 2> chunk_sizes{1, 4};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Seconds per claim: the worker's work for one chunk of `chunk_tokens` tokens (digest, then sign).
double claim_seconds(std::uint32_t chunk_tokens, int chunks) {
  std::array<std::uint8_t, 32> seed{};
  seed[0] = 7;
  const ig::identity key = ig::identity::from_seed(seed);
  ig::token_chunk chunk;
  chunk.request_id = "cmpl-0123456789abcdef0123456789abcdef";
  chunk.worker_id = ig::to_hex(key.public_id());
  chunk.prompt_token_count = prompt_tokens;
  chunk.tokens.assign(chunk_tokens, 1234);
  chunk.fingerprints.assign(2 * chunk_tokens, 0x5a);
  ig::digest running = ig::first_chunk_claim_digest(chunk.request_id, 0);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < chunks; ++i) {
    chunk.index = static_cast<std::uint32_t>(i) * chunk_tokens;
    chunk.claim_completion_tokens = chunk.index + chunk_tokens;
    running = ig::next_chunk_claim_digest(running, chunk.tokens, chunk.fingerprints);
    chunk.claim_digest.assign(running.begin(), running.end());
    ig::sign_chunk_claim(chunk, key);
  }
  return seconds_since(start) / chunks;
}

// Seconds per decode step at `batch` sequences (after a prompt of prompt_tokens each).
ig::result<double> step_seconds(ig::engine::llama_engine& engine, std::uint32_t batch) {
  const ig::engine::step_options greedy{.logits = false, .greedy = true};
  std::vector<std::int32_t> prompt(prompt_tokens);
  for (std::uint32_t i = 0; i < prompt_tokens; ++i) prompt[i] = static_cast<std::int32_t>(1 + i % 200);
  std::vector<ig::engine::sequence_step> steps;
  for (std::uint32_t s = 0; s < batch; ++s) steps.push_back({s, prompt, 0});
  auto prefilled = engine.step(steps, greedy);
  if (!prefilled) return prefilled.err();
  std::vector<std::int32_t> next = prefilled->greedy_ids;
  const auto start = std::chrono::steady_clock::now();
  for (int step = 0; step < decode_steps; ++step) {
    steps.clear();
    for (std::uint32_t s = 0; s < batch; ++s) {
      steps.push_back({s, std::span(&next[s], 1), prompt_tokens + static_cast<std::uint32_t>(step)});
    }
    auto out = engine.step(steps, greedy);
    if (!out) return out.err();
    next = out->greedy_ids;
  }
  return seconds_since(start) / decode_steps;
}

int bench_model(const std::string& label, const std::string& path, int chunks) {
  auto engine = ig::engine::llama_engine::load(path, {.n_slots = batches.back(), .context_size = 128});
  if (!engine) {
    fmt::print(stderr, "chunk_claim_bench: {}: {}\n", label, engine.err().message);
    return 1;
  }
  fmt::print("{} on {}\n", label, engine->device_description());
  for (const auto batch : batches) {
    auto step = step_seconds(*engine, batch);
    if (!step) {
      fmt::print(stderr, "chunk_claim_bench: {}: {}\n", label, step.err().message);
      return 1;
    }
    for (const auto chunk_tokens : chunk_sizes) {
      // Measured beside each decode run, so both see the same machine load.
      const double claim = claim_seconds(chunk_tokens, chunks);
      const double claims_per_step = static_cast<double>(batch) / chunk_tokens;
      fmt::print("  batch {}: decode {:8.3f} ms/step; chunk_tokens {}: claim {:6.1f} us, {:4.1f} claims/step, "
                 "claims / decode = {:.4f} ({:.2f}% of a step)\n",
                 batch, 1e3 * *step, chunk_tokens, 1e6 * claim, claims_per_step, claims_per_step * claim / *step,
                 100.0 * claims_per_step * claim / (*step + claims_per_step * claim));
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::pair<std::string, std::string>> models;
  std::vector<std::string> generated;
  int chunks = 2000;
  std::vector<std::string> model_files;
  CLI::App app{"chunk_claim_bench: the cost of signing every token_chunk's claim (digest + Ed25519) against the "
               "decode step it rides on. Default: the bundled stories260k and --generated 100m-f16."};
  app.add_option("--model", model_files, "a GGUF file to bench (repeatable)")->allow_extra_args(false);
  app.add_option("--generated", generated, "a generated ~100M-parameter Llama (repeatable)")
      ->allow_extra_args(false)
      ->check(CLI::IsMember({"100m-f16", "100m-q4_k"}));
  app.add_option("--chunks", chunks, "claims signed per model")->capture_default_str()->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  for (const std::string& value : model_files) models.emplace_back(std::filesystem::path(value).filename().string(), value);
  if (models.empty() && generated.empty()) {
    models.emplace_back("stories260k", std::string(INFERGRID_SOURCE_DIR) + "/deploy/models/stories260k.gguf");
    generated.push_back("100m-f16");
  }
  const auto dir = std::filesystem::temp_directory_path() / "infergrid-chunk-claim-bench";
  std::filesystem::create_directories(dir);
  for (const auto& name : generated) {
    const bool q4 = name == "100m-q4_k";
    if (!q4 && name != "100m-f16") {
      fmt::print(stderr, "chunk_claim_bench: --generated takes 100m-f16 or 100m-q4_k, not {}\n", name);
      return 2;
    }
    const std::string path = (dir / ("random_llama_" + name + ".gguf")).string();
    if (!std::filesystem::exists(path)) {
      auto written = ig::model::write_random_llama(
          path, ig::model::random_llama_100m(q4 ? ig::model::ggml_type::q4_k : ig::model::ggml_type::f16));
      if (!written.ok()) {
        fmt::print(stderr, "chunk_claim_bench: cannot write {}: {}\n", path, written.err().message);
        return 1;
      }
    }
    models.emplace_back("generated llama " + name, path);
  }
  for (const auto& [label, path] : models) {
    if (const int rc = bench_model(label, path, chunks); rc != 0) return rc;
  }
  return 0;
}

// compute_bench: the compute layer end to end against the engine called in-process.
//   latency:    sequential 64-token greedy completions through client -> gateway (tcp) ->
//               matchmaker -> gpu_worker -> back, p50/p99 and requests/s, beside the same
//               generation run in-process on a llama_engine (model::generate). Ratio = overhead.
//   throughput: aggregate generated tokens/s with 1, 4 and 16 concurrent clients (continuous
//               batching on one worker with 16 slots). Ratio = tokens/s at 16 over at 1.
// The grid is one node in this process (matchmaker, one worker, gateway on tcp loopback).
// Usage: compute_bench [--quick] [--model PATH] [--device D]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

#include "actors/gateway/client/infergrid_client.hpp"
#include "kernels/engine/llama_engine.hpp"
#include "kernels/model/generation.hpp"
#include "kernels/model/gguf_file.hpp"
#include "kernels/model/tokenizer.hpp"
#include "messages/match.hpp"
#include "runtime/log.hpp"
#include "runtime/node.hpp"

using namespace infergrid;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr std::uint32_t completion_tokens = 64;
constexpr std::uint32_t worker_slots = 16;
const char* const prompt = "Once upon a time";

struct options {
  int requests = 40;              // sequential latency samples per side
  double throughput_seconds = 4;  // per concurrency level
  std::string model = "deploy/models/stories260k.gguf";
  std::string device;
};

struct summary {
  double p50_ms = 0;
  double p99_ms = 0;
  double requests_per_second = 0;
};

summary summarise(std::vector<double> samples_ms, double total_seconds) {
  std::sort(samples_ms.begin(), samples_ms.end());
  const auto at = [&](double q) { return samples_ms[std::min(samples_ms.size() - 1, static_cast<std::size_t>(q * samples_ms.size()))]; };
  return {at(0.5), at(0.99), samples_ms.size() / total_seconds};
}

double ms_since(clock_type::time_point start) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

summary in_process(const options& opts, std::size_t& tokens_out) {
  auto file = std::move(model::gguf_file::open(opts.model)).value();
  auto vocab = std::move(model::tokenizer::from_gguf(file)).value();
  auto engine = std::move(engine::llama_engine::create(file, {.device = opts.device, .n_slots = worker_slots})).value();
  const model::forward_function forward = [&](std::span<const model::token_id> tokens, std::size_t start) -> result<std::vector<float>> {
    const engine::sequence_step entry{0, tokens, static_cast<std::uint32_t>(start)};
    auto out = engine.step(std::span(&entry, 1));
    if (!out) return out.err();
    return std::move(out->logits);
  };
  model::generation_config config;
  config.max_new_tokens = completion_tokens;
  config.sampling.temperature = 0;
  std::vector<double> samples;
  const auto all = clock_type::now();
  for (int i = 0; i < opts.requests + 2; ++i) {
    const auto start = clock_type::now();
    auto out = model::generate(vocab, forward, engine.context_size(), prompt, config);
    if (!out.ok()) throw std::runtime_error(out.err().message);
    tokens_out = out->generated_tokens.size();
    if (i >= 2) samples.push_back(ms_since(start));  // two warm-up runs
  }
  return summarise(samples, ms_since(all) / 1000.0 * opts.requests / (opts.requests + 2));
}

std::unique_ptr<node> start_grid(const options& opts, std::string& gateway) {
  const int port = 7600 + static_cast<int>(::getpid() % 1000);
  gateway = fmt::format("tcp://127.0.0.1:{}", port);
  const std::string yaml = fmt::format(R"(node: {{name: bench}}
actors:
  - {{name: matchmaker, kind: matchmaker}}
  - {{name: worker, kind: gpu_worker, settings: {{model_path: "{}", slots: {}, device: "{}"}}}}
  - {{name: gateway, kind: gateway, settings: {{bind: "{}"}}}}
)", opts.model, worker_slots, opts.device, gateway);
  auto config = parse_config(yaml, "<compute_bench>");
  if (!config.ok()) throw std::runtime_error(config.err().message);
  auto grid = std::move(node::create(std::move(*config))).value();
  if (auto started = grid->start(); !started.ok()) throw std::runtime_error(started.err().message);
  // Bounded wait for the worker's registration.
  for (int i = 0; i < 500; ++i) {
    auto s = grid->call<supply_report>("matchmaker", supply_request{}, 1000);
    if (s.ok() && !s->models.empty() && s->models[0].workers == 1) return grid;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("the worker did not register");
}

inference_request bench_request() {
  inference_request r;
  r.model = "stories260k";
  r.prompt = prompt;
  r.max_tokens = completion_tokens;
  r.sampling.temperature = 0;
  return r;
}

summary end_to_end(const options& opts, const std::string& gateway, std::size_t& tokens_out) {
  infergrid_client client(gateway);
  std::vector<double> samples;
  const auto all = clock_type::now();
  for (int i = 0; i < opts.requests + 2; ++i) {
    const auto start = clock_type::now();
    auto out = client.complete(bench_request(), 60000);
    if (!out.ok()) throw std::runtime_error(out.err().message);
    tokens_out = out->tokens.size();
    if (i >= 2) samples.push_back(ms_since(start));
  }
  return summarise(samples, ms_since(all) / 1000.0 * opts.requests / (opts.requests + 2));
}

double tokens_per_second(const std::string& gateway, int clients, double seconds) {
  std::atomic<std::uint64_t> tokens{0};
  std::atomic<bool> failed{false};
  const auto stop_at = clock_type::now() + std::chrono::duration<double>(seconds);
  const auto start = clock_type::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      infergrid_client client(gateway);
      // Bounded by the time budget: each request takes well under a second.
      while (clock_type::now() < stop_at && !failed) {
        auto out = client.complete(bench_request(), 60000);
        if (!out.ok()) failed = true;
        else tokens += out->tokens.size();
      }
    });
  }
  for (auto& t : threads) t.join();
  if (failed) throw std::runtime_error("a throughput request failed");
  return tokens.load() / (ms_since(start) / 1000.0);
}

}  // namespace

int main(int argc, char** argv) {
  options opts;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) opts.requests = 10, opts.throughput_seconds = 1.5;
    else if (std::strcmp(argv[i], "--model") == 0 && i + 1 < argc) opts.model = argv[++i];
    else if (std::strcmp(argv[i], "--device") == 0 && i + 1 < argc) opts.device = argv[++i];
  }
  set_log_level(log_level::warn);
  try {
    std::size_t local_tokens = 0, grid_tokens = 0;
    const summary local = in_process(opts, local_tokens);
    std::string gateway;
    auto grid = start_grid(opts, gateway);
    const summary grid_run = end_to_end(opts, gateway, grid_tokens);
    fmt::print("compute_bench: {} tokens per completion (in-process {} / grid {}), {} requests each side\n",
               completion_tokens, local_tokens, grid_tokens, opts.requests);
    fmt::print("  baseline in-process engine (model::generate): p50 {:.2f} ms  p99 {:.2f} ms  {:.1f} req/s\n", local.p50_ms,
               local.p99_ms, local.requests_per_second);
    fmt::print("  ours client->gateway->matchmaker->worker:      p50 {:.2f} ms  p99 {:.2f} ms  {:.1f} req/s\n",
               grid_run.p50_ms, grid_run.p99_ms, grid_run.requests_per_second);
    fmt::print("  ratio (grid p50 / in-process p50): {:.3f}x  (target <= 1.1x)\n", grid_run.p50_ms / local.p50_ms);
    double base = 0;
    for (const int clients : {1, 4, 16}) {
      const double rate = tokens_per_second(gateway, clients, opts.throughput_seconds);
      if (clients == 1) base = rate;
      fmt::print("  aggregate tokens/s with {:2d} concurrent requests: {:8.0f}  ({:.2f}x of 1)\n", clients, rate, rate / base);
    }
    fmt::print("  target: 16 concurrent >= 4x the tokens/s of 1\n");
    grid->stop();
  } catch (const std::exception& e) {
    fmt::print(stderr, "compute_bench: {}\n", e.what());
    return 1;
  }
  return 0;
}

// compute_bench: the compute layer end to end against the engine called in-process.
//   latency:    sequential 64-token greedy completions through client -> gateway (tcp) ->
//               matchmaker -> gpu_worker -> back, p50/p99 and requests/s, beside the same
//               generation run in-process on a llama_engine (model::generate). Ratio = overhead.
//   throughput: aggregate generated tokens/s with 1, 4 and 16 concurrent clients (continuous
//               batching on one worker with 16 slots). Ratio = tokens/s at 16 over at 1.
// The grid is one node in this process (matchmaker, one worker, gateway on tcp loopback).
// Usage: compute_bench [--quick] [--model PATH] [--device D]
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
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
  double throughput_seconds = 2;  // per concurrency level and round
  int throughput_rounds = 3;
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

// The baseline: the same greedy generation on an engine in this process (model::generate).
struct in_process_engine {
  explicit in_process_engine(const options& opts)
      : file(std::move(model::gguf_file::open(opts.model)).value()),
        vocab(std::move(model::tokenizer::from_gguf(file)).value()),
        engine(std::move(engine::llama_engine::create(file, {.device = opts.device, .n_slots = worker_slots})).value()) {}

  // Milliseconds for one completion; `tokens` receives its length.
  double run(std::size_t& tokens) {
    const model::forward_function forward = [&](std::span<const model::token_id> ids, std::size_t start) -> result<std::vector<float>> {
      const engine::sequence_step entry{0, ids, static_cast<std::uint32_t>(start)};
      auto out = engine.step(std::span(&entry, 1));
      if (!out) return out.err();
      return std::move(out->logits);
    };
    model::generation_config config;
    config.max_new_tokens = completion_tokens;
    config.sampling.temperature = 0;
    const auto start = clock_type::now();
    auto out = model::generate(vocab, forward, engine.context_size(), prompt, config);
    if (!out.ok()) throw std::runtime_error(out.err().message);
    tokens = out->generated_tokens.size();
    return ms_since(start);
  }

  model::gguf_file file;
  model::tokenizer vocab;
  engine::llama_engine engine;
};

// The model's name as its worker registered it (from the file name): the requests ask for it.
std::string served_model;  // set by start_grid

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
    if (s.ok() && !s->models.empty() && s->models[0].workers == 1) {
      served_model = s->models[0].model;
      return grid;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("the worker did not register");
}

inference_request bench_request() {
  inference_request r;
  r.model = served_model;
  r.prompt = prompt;
  r.max_tokens = completion_tokens;
  r.sampling.temperature = 0;
  return r;
}

double grid_run(infergrid_client& client, std::size_t& tokens) {
  const auto start = clock_type::now();
  auto out = client.complete(bench_request(), 60000);
  if (!out.ok()) throw std::runtime_error(out.err().message);
  tokens = out->tokens.size();
  return ms_since(start);
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
  bool quick = false;
  CLI::App app{"compute_bench: a grid round trip against the engine in-process, and tokens/s under concurrency."};
  app.option_defaults()->always_capture_default();
  app.add_flag("--quick", quick, "10 latency samples, one 1 s throughput round per level (a smoke run)");
  app.add_option("--model", opts.model, "the GGUF model both sides serve");
  app.add_option("--device", opts.device, "Vulkan device (as INFERGRID_VK_DEVICE; empty: the default)");
  CLI11_PARSE(app, argc, argv);
  if (quick) opts.requests = 10, opts.throughput_seconds = 1, opts.throughput_rounds = 1;
  set_log_level(log_level::warn);
  try {
    std::size_t local_tokens = 0, grid_tokens = 0;
    in_process_engine baseline(opts);
    std::string gateway;
    auto grid = start_grid(opts, gateway);
    infergrid_client client(gateway);
    // Interleaved (alternating which goes first), so both sides see the same machine load.
    std::vector<double> local_ms, grid_ms;
    double local_total_ms = 0, grid_total_ms = 0;
    for (int i = 0; i < opts.requests + 2; ++i) {
      double local_sample = 0, grid_sample = 0;
      if (i % 2 == 0) {
        local_sample = baseline.run(local_tokens);
        grid_sample = grid_run(client, grid_tokens);
      } else {
        grid_sample = grid_run(client, grid_tokens);
        local_sample = baseline.run(local_tokens);
      }
      if (i < 2) continue;  // warm-up
      local_ms.push_back(local_sample);
      grid_ms.push_back(grid_sample);
      local_total_ms += local_sample;
      grid_total_ms += grid_sample;
    }
    const summary local = summarise(local_ms, local_total_ms / 1000.0);
    const summary grid_run = summarise(grid_ms, grid_total_ms / 1000.0);
    fmt::print("compute_bench: {} tokens per completion (in-process {} / grid {}), {} requests each side\n",
               completion_tokens, local_tokens, grid_tokens, opts.requests);
    fmt::print("  baseline in-process engine (model::generate): p50 {:.2f} ms  p99 {:.2f} ms  {:.1f} req/s\n", local.p50_ms,
               local.p99_ms, local.requests_per_second);
    fmt::print("  ours client->gateway->matchmaker->worker:      p50 {:.2f} ms  p99 {:.2f} ms  {:.1f} req/s\n",
               grid_run.p50_ms, grid_run.p99_ms, grid_run.requests_per_second);
    fmt::print("  ratio (grid p50 / in-process p50): {:.3f}x  (target <= 1.1x)\n", grid_run.p50_ms / local.p50_ms);
    // Rounds over the concurrency levels; the median of each level is reported.
    std::map<int, std::vector<double>> rates;
    for (int round = 0; round < opts.throughput_rounds; ++round) {
      for (const int clients : {1, 4, 16}) rates[clients].push_back(tokens_per_second(gateway, clients, opts.throughput_seconds));
    }
    const auto median = [](std::vector<double> v) {
      std::sort(v.begin(), v.end());
      return v[v.size() / 2];
    };
    const double base = median(rates[1]);
    for (const int clients : {1, 4, 16}) {
      const double rate = median(rates[clients]);
      fmt::print("  aggregate tokens/s with {:2d} concurrent requests: {:8.0f}  ({:.2f}x of 1; median of {} rounds)\n", clients,
                 rate, rate / base, opts.throughput_rounds);
    }
    fmt::print("  target: 16 concurrent >= 4x the tokens/s of 1\n");
    grid->stop();
  } catch (const std::exception& e) {
    fmt::print(stderr, "compute_bench: {}\n", e.what());
    return 1;
  }
  return 0;
}

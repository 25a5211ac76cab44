// decode_bench: whole-model prefill and decode tokens/s of the Vulkan engine on stories260k and on
// generated ~100M-parameter Llama models (F16 and Q8_0 by default; any type or llama.cpp mix by
// name), at batch 1 and batch 8, beside the decode
// bound of this machine — weight bytes read per token over the copy bandwidth measured in the same
// run (STREAM convention: bytes read + bytes written per second: memcpy over all hardware threads, or
// on a GPU a device-memory vkCmdCopyBuffer) — and the ratio; plus resident memory against weights +
// KV cache.
//
//   decode_bench [--profile] [--no-bound] [--layout row_per_lane|split_columns] [--rows N] [--access texel|storage]
//                [--fuse on|off] [--lane-units on|off] [--tokens N] [--tiled MIN_TOKENS] [--tile RxTxLRxLT] [--size SHAPE] [--model FILE.gguf]...
//                [stories] [f16] [q8_0] [q4_k] [q4_k_m] ... (any type of kernels/model/ggml_type.hpp or
//                mix of kernels/model/quant_mix.hpp by its CLI name)
//     default: stories, f16, q8_0; --size: the named models' shape (100m, or any make-model --size:
//     qwen2-0.5b, llama3.1-8b, ...; generated once into $TMPDIR/infergrid_decode_bench, the path
//     printed); resident memory is exact for the first model of a run, later ones
//     reuse freed memory. --no-bound: skip the copy-bandwidth runs (and the bound), so the process's
//     peak RSS is the model's alone (peer-bench.sh). --profile: device time per kernel of the batch-1 decode steps (timestamps
//     after every dispatch, which slow decode down a little). --layout, --rows, --access, --fuse, --lane-units, --tokens
//     (most tokens per matmul workgroup): the matmul kernel choice instead of the device's default (kernel_options).
//     --tiled: matmuls of at least MIN_TOKENS tokens run the tiled GEMM (0 = never); --tile: its tile
//     (rows x tokens per workgroup x a lane's rows x tokens; from 1 token unless --tiled says).
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "kernels/engine/llama_engine.hpp"
#include "kernels/model/gguf_file.hpp"
#include "kernels/model/random_llama.hpp"
#include "kernels/vk/buffer.hpp"
#include "kernels/vk/command.hpp"
#include "kernels/vk/cpu_device_threads.hpp"
#include "kernels/vk/device.hpp"

namespace ig = infergrid;

namespace {

constexpr std::size_t copy_bytes = 256u << 20;   // per copy, far beyond any cache
constexpr int copy_rounds = 5;                   // best of
constexpr std::uint32_t prompt_tokens = 64;
constexpr int decode_steps = 24;
constexpr std::uint32_t batch_sequences = 8;
constexpr std::uint32_t bench_context = 256;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Bytes read + written per second by memcpy over all hardware threads, each pinned to its own
// CPU (as the engine pins lavapipe's workers: left alone, two copy threads often share one CPU and
// the bound reads half), best of copy_rounds.
double copy_bandwidth_bytes_per_second() {
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  const std::vector<int> cpus = ig::vk::allowed_cpus();
  std::vector<char> from(copy_bytes, 1), to(copy_bytes, 0);
  double best = 1e30;
  for (int round = 0; round < copy_rounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    const std::size_t share = copy_bytes / threads;
    for (unsigned t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        if (!cpus.empty()) ig::vk::pin_thread_to_cpu(0, cpus[t % cpus.size()]);
        std::memcpy(to.data() + t * share, from.data() + t * share, share);
      });
    }
    for (auto& w : workers) w.join();
    best = std::min(best, seconds_since(start));
  }
  return 2.0 * copy_bytes / best;
}

// On a GPU the weights stream from device memory, not host memory: bytes read + written per second by
// a device-local to device-local vkCmdCopyBuffer, best of copy_rounds. 0 when the device the engine
// would pick is a CPU implementation (lavapipe reads host memory: memcpy is its bound) or on error.
double device_copy_bandwidth_bytes_per_second() {
  auto dev = ig::vk::device::create();
  if (!dev.ok() || dev->info().is_cpu()) return 0.0;
  constexpr std::size_t device_copy_bytes = std::size_t{1} << 30;
  auto from = ig::vk::buffer::create(*dev, device_copy_bytes, ig::vk::memory_kind::device_local);
  auto to = ig::vk::buffer::create(*dev, device_copy_bytes, ig::vk::memory_kind::device_local);
  auto commands = ig::vk::command_buffer::create(*dev);
  if (!from.ok() || !to.ok() || !commands.ok() || !commands->begin().ok()) return 0.0;
  const VkBufferCopy region{0, 0, device_copy_bytes};
  vkCmdCopyBuffer(commands->handle(), from->handle(), to->handle(), 1, &region);
  if (!commands->end().ok()) return 0.0;
  double best = 1e30;
  for (int round = 0; round < copy_rounds + 1; ++round) {  // the first round warms up
    const auto start = std::chrono::steady_clock::now();
    if (!commands->submit_and_wait().ok()) return 0.0;
    if (round > 0) best = std::min(best, seconds_since(start));
  }
  return 2.0 * device_copy_bytes / best;
}

std::size_t resident_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

// Weight bytes a decode step reads: every matrix, the output projection included, but of the
// embedding table only one row (unless the output is tied to it).
std::size_t weight_bytes_per_token(const std::string& path) {
  auto file = ig::model::gguf_file::open(path);
  if (!file) return 0;
  std::size_t bytes = 0;
  const bool tied = file->find_tensor("output.weight") == nullptr;
  for (const auto& t : file->tensors()) {
    if (t.name != "token_embd.weight" || tied) bytes += t.bytes;
  }
  return bytes;
}

std::vector<std::int32_t> random_tokens(std::size_t n, std::uint32_t vocab, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::int32_t> out(n);
  for (auto& t : out) t = static_cast<std::int32_t>(3 + rng() % (vocab - 3));
  return out;
}

struct measured {
  double prefill_1 = 0, prefill_8 = 0, decode_1 = 0, decode_8 = 0;
};

ig::result<measured> run(ig::engine::llama_engine& engine) {
  measured m;
  const std::uint32_t vocab = engine.hparams().n_vocab;
  std::vector<std::vector<std::int32_t>> prompts;
  for (std::uint32_t s = 0; s < batch_sequences; ++s) prompts.push_back(random_tokens(prompt_tokens, vocab, s + 1));
  const ig::engine::step_options greedy{.logits = false, .greedy = true};
  // Warm-up: records and compiles the shapes used below (prefill submits that end several
  // prompts use output-projection variants the engine's own warm-up leaves for first use).
  const ig::engine::sequence_step one{0, prompts[0], 0};
  std::vector<ig::engine::sequence_step> batch;
  for (std::uint32_t s = 0; s < batch_sequences; ++s) batch.push_back({s, prompts[s], 0});
  IG_TRY(engine.step(std::span(&one, 1), greedy));
  IG_TRY(engine.step(batch, greedy));
  // Prefill, batch 1 and batch 8 (8 prompts in one step, split into submits of max_batch_tokens).
  auto start = std::chrono::steady_clock::now();
  IG_TRY(engine.step(std::span(&one, 1), greedy));
  m.prefill_1 = prompt_tokens / seconds_since(start);
  start = std::chrono::steady_clock::now();
  auto prefilled = engine.step(batch, greedy);
  if (!prefilled) return prefilled.err();
  m.prefill_8 = batch_sequences * prompt_tokens / seconds_since(start);
  // Decode batch 8: every sequence one token per step.
  std::vector<std::int32_t> next = prefilled->greedy_ids;
  start = std::chrono::steady_clock::now();
  for (int step = 0; step < decode_steps; ++step) {
    batch.clear();
    for (std::uint32_t s = 0; s < batch_sequences; ++s) {
      batch.push_back({s, std::span(&next[s], 1), prompt_tokens + static_cast<std::uint32_t>(step)});
    }
    auto out = engine.step(batch, greedy);
    if (!out) return out.err();
    next = out->greedy_ids;
  }
  m.decode_8 = batch_sequences * decode_steps / seconds_since(start);
  // Decode batch 1 in slot 0, continuing after its prompt.
  engine.reset_kernel_profile();
  std::int32_t token = next[0];
  start = std::chrono::steady_clock::now();
  for (int step = 0; step < decode_steps; ++step) {
    const ig::engine::sequence_step entry{0, std::span(&token, 1), prompt_tokens + static_cast<std::uint32_t>(step)};
    auto out = engine.step(std::span(&entry, 1), greedy);
    if (!out) return out.err();
    token = out->greedy_ids[0];
  }
  m.decode_1 = decode_steps / seconds_since(start);
  return m;
}

// Device time per kernel over the batch-1 decode steps, largest first.
void print_profile(const ig::engine::kernel_times& times) {
  std::vector<std::pair<std::string, ig::engine::kernel_time>> sorted(times.begin(), times.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second.seconds > b.second.seconds; });
  double total = 0.0;
  for (const auto& entry : sorted) total += entry.second.seconds;
  fmt::print("  device time per batch-1 decode step: {:.2f} ms\n", 1e3 * total / decode_steps);
  for (const auto& [label, time] : sorted) {
    fmt::print("    {:<52} {:4} dispatches {:8.3f} ms {:5.1f}%\n", label, time.dispatches / decode_steps,
               1e3 * time.seconds / decode_steps, 100.0 * time.seconds / total);
  }
}

// `bandwidth`: the copy bandwidth measured at the start. On a CPU device (host_bound) memcpy is measured
// again right after the model's run and the higher figure is the bound: the host's memory bandwidth
// moves with its neighbours' load, and the higher bound gives the lower, safer ratio.
int bench_model(const std::string& label, const std::string& path, double bandwidth, bool host_bound, bool profile,
                const ig::engine::kernel_options& kernels) {
  const std::size_t rss_before = resident_bytes();
  auto engine = ig::engine::llama_engine::load(path, {.n_slots = batch_sequences,
                                                      .context_size = bench_context,
                                                      .max_batch_tokens = 128,
                                                      .kernels = kernels,
                                                      .profile = profile});
  if (!engine) {
    fmt::print(stderr, "error: {}: {}\n", label, engine.err().message);
    return 1;
  }
  const std::size_t rss_loaded = resident_bytes();
  auto m = run(*engine);
  if (!m) {
    fmt::print(stderr, "error: {}: {}\n", label, m.err().message);
    return 1;
  }
  const std::size_t rss_after = resident_bytes();
  if (host_bound && bandwidth > 0.0) bandwidth = std::max(bandwidth, copy_bandwidth_bytes_per_second());
  const double per_token = static_cast<double>(weight_bytes_per_token(path));
  const double bound_1 = bandwidth / per_token;  // tokens/s if a step only streamed its weights once
  const double bound_8 = bound_1 * batch_sequences;
  const double resident = static_cast<double>(std::max(rss_loaded, rss_after) - rss_before);
  const double budget = static_cast<double>(engine->weight_bytes() + engine->kv_cache_bytes());
  fmt::print("\n{} ({:.1f} MB of weights read per decode token; device {}; bound at {:.1f} GB/s)\n", label,
             per_token / 1e6, engine->device_description(), bandwidth / 1e9);
  fmt::print("  prefill batch 1: {:8.1f} tok/s    prefill batch 8: {:8.1f} tok/s\n", m->prefill_1, m->prefill_8);
  if (bandwidth > 0.0) {
    fmt::print("  decode  batch 1: {:8.1f} tok/s    bound {:8.1f} tok/s    ratio {:.2f}\n", m->decode_1, bound_1,
               m->decode_1 / bound_1);
    fmt::print("  decode  batch 8: {:8.1f} tok/s    bound {:8.1f} tok/s    ratio {:.2f}\n", m->decode_8, bound_8,
               m->decode_8 / bound_8);
  } else {
    fmt::print("  decode  batch 1: {:8.1f} tok/s    decode  batch 8: {:8.1f} tok/s (no bound: --no-bound)\n", m->decode_1,
               m->decode_8);
  }
  fmt::print("  resident memory {:.1f} MB vs weights {:.1f} MB + KV cache {:.1f} MB (8 slots x {} positions): {:.2f}x\n",
             resident / 1e6, engine->weight_bytes() / 1e6, engine->kv_cache_bytes() / 1e6, bench_context,
             resident / budget);
  if (profile) print_profile(engine->kernel_profile());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Any weight type of the table or llama.cpp mix by its CLI name ("q4_k", "q4_k_m").
  std::vector<std::string> type_names;
  for (const ig::model::type_traits& t : ig::model::all_types) type_names.emplace_back(t.cli_name);
  // "q2_k" names a type and llama.cpp's Q2_K mix (the mix, as llama-quantize reads it): listed and benched once.
  for (const ig::model::quant_mix& mix : ig::model::quant_mixes) {
    if (std::ranges::find(type_names, mix.cli_name) == type_names.end()) type_names.emplace_back(mix.cli_name);
  }
  std::vector<std::string> model_names = type_names;
  model_names.insert(model_names.begin(), "stories");
  std::vector<std::string> chosen;
  bool profile = false, no_bound = false;
  ig::engine::kernel_options kernels;
  std::vector<std::string> files;  // --model PATH: any GGUF file, benched after the named models
  std::string size = "100m";        // --size NAME: the generated models' shape (random_llama_sizes)
  std::string layout, lane_units, fuse, access, tile_text;
  std::uint32_t tiled_min_tokens = 0;
  CLI::App app{"decode_bench: whole-model prefill and decode tokens/s of the Vulkan engine beside this machine's "
               "decode bound (weight bytes per token over the measured copy bandwidth). The kernel options "
               "replace the device's default choice (kernel_options)."};
  app.add_option("models", chosen, "models to bench: stories (bundled stories260k) or a weight type / llama.cpp mix "
                 "by its CLI name, generated in the --size shape [default: stories f16 q8_0]")
      ->check(CLI::IsMember(model_names));
  app.add_flag("--profile", profile, "device time per kernel of the batch-1 decode steps (slows decode a little)");
  // No copy-bandwidth runs: their 2 x 256 MiB host buffers (1 GiB device buffers on a GPU) would
  // count in the process's peak RSS, which peer-bench.sh compares with llama.cpp's.
  app.add_flag("--no-bound", no_bound, "skip the copy-bandwidth runs and the bound (peak RSS is the model's alone)");
  app.add_option("--layout", layout, "matmul layout")->check(CLI::IsMember({"row_per_lane", "split_columns"}));
  app.add_option("--rows", kernels.matmul_rows, "weight rows per matmul workgroup (0: the device's default)");
  app.add_option("--tokens", kernels.matmul_tokens, "most tokens per matmul workgroup")->capture_default_str();
  app.add_option("--access", access, "weight reads")->check(CLI::IsMember({"texel", "storage"}));
  app.add_option("--fuse", fuse, "RMSNorm/SwiGLU inside the next matmul's reads")->check(CLI::IsMember({"on", "off"}));
  app.add_option("--lane-units", lane_units, "K-quant groups unit by unit per lane")->check(CLI::IsMember({"on", "off"}));
  auto* tiled = app.add_option("--tiled", tiled_min_tokens, "matmuls of at least MIN_TOKENS tokens run the tiled GEMM (0: never)");
  app.add_option("--tile", tile_text, "the tiled GEMM's tile ROWSxTOKENSxLANE_ROWSxLANE_TOKENS, e.g. 64x32x4x4");
  app.add_option("--size", size, "the generated models' shape (100m, or any make-model --size)")->capture_default_str();
  app.add_option("--model", files, "any GGUF file, benched after the named models (repeatable)")->allow_extra_args(false);
  CLI11_PARSE(app, argc, argv);
  if (!layout.empty()) {
    kernels.layout = layout == "split_columns" ? ig::engine::matmul_layout::split_columns
                                               : ig::engine::matmul_layout::row_per_lane;
  }
  if (!lane_units.empty()) kernels.lane_units = lane_units == "on";
  if (!fuse.empty()) kernels.fuse_matmul_inputs = fuse == "on";
  if (!access.empty()) {
    kernels.access = access == "storage" ? ig::engine::weight_access::storage : ig::engine::weight_access::texel;
  }
  if (tiled->count() > 0) kernels.tiled_min_tokens = tiled_min_tokens;
  if (!tile_text.empty()) {
    ig::engine::tiled_matmul_shape tile;
    char rest = 0;
    if (std::sscanf(tile_text.c_str(), "%ux%ux%ux%u%c", &tile.tile_rows, &tile.tile_tokens, &tile.lane_rows,
                    &tile.lane_tokens, &rest) != 4) {
      fmt::print(stderr, "--tile wants ROWSxTOKENSxLANE_ROWSxLANE_TOKENS, e.g. 64x32x4x4\n");
      return 2;
    }
    tile.min_tokens = 1;
    kernels.tiled_matmul = tile;
  }
  if (chosen.empty() && files.empty()) chosen = {"stories", "f16", "q8_0"};
  const auto wanted = [&](const std::string& name) {
    return std::find(chosen.begin(), chosen.end(), name) != chosen.end();
  };
  const double host_bandwidth = no_bound ? 0.0 : copy_bandwidth_bytes_per_second();
  if (!no_bound) {
    fmt::print("copy bandwidth (memcpy, {} threads, read+write): {:.1f} GB/s\n", std::thread::hardware_concurrency(),
               host_bandwidth / 1e9);
  }
  const double device_bandwidth = no_bound ? 0.0 : device_copy_bandwidth_bytes_per_second();
  if (device_bandwidth > 0.0) {
    fmt::print("copy bandwidth (GPU device memory, vkCmdCopyBuffer 1 GiB, read+write): {:.1f} GB/s — the bound below\n",
               device_bandwidth / 1e9);
  }
  const double bandwidth = device_bandwidth > 0.0 ? device_bandwidth : host_bandwidth;
  const bool host_bound = device_bandwidth <= 0.0;
  const char* root = std::getenv("INFERGRID_SOURCE_DIR");
  const std::string stories = std::string(root != nullptr ? root : ".") + "/deploy/models/stories260k.gguf";
  if (wanted("stories") && bench_model("stories260k (F32)", stories, bandwidth, host_bound, profile, kernels) != 0) return 1;
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "infergrid_decode_bench";
  std::filesystem::create_directories(dir);
  // Each named type in the shape --size names, generated once and kept in `dir` (its path printed,
  // for llama.cpp's tools).
  for (const std::string& cli_name : type_names) {
    if (!wanted(cli_name)) continue;
    const auto options = ig::model::random_llama_named(size, cli_name);
    if (!options) {
      std::string sizes;
      for (const ig::model::random_llama_size& known : ig::model::random_llama_sizes()) {
        sizes += (sizes.empty() ? "" : ", ") + std::string(known.name);
      }
      fmt::print(stderr, "error: unknown --size '{}' (one of {})\n", size, sizes);
      return 2;
    }
    std::string name = cli_name;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
    const std::string path = (dir / ("random_llama_" + size + "_" + name + ".gguf")).string();
    if (!std::filesystem::exists(path)) {
      const auto written = ig::model::write_random_llama(path + ".part", *options);
      if (!written.ok()) {
        fmt::print(stderr, "error: {}\n", written.err().message);
        return 1;
      }
      std::filesystem::rename(path + ".part", path);
    }
    fmt::print("model file: {}\n", path);
    if (bench_model("random Llama " + size + " " + name, path, bandwidth, host_bound, profile, kernels) != 0) return 1;
  }
  for (const std::string& path : files) {
    if (bench_model(std::filesystem::path(path).filename().string(), path, bandwidth, host_bound, profile, kernels) != 0) {
      return 1;
    }
  }
  return 0;
}

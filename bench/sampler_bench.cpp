// sampler_bench: the host's work per generated token beside the device step — the draw
// (sampler::sample), the receipt's fingerprint (fingerprint_of: the row's argmax and log-sum-exp)
// and a validator's replay of the draw (sampler::interval_of) — against the way every draw worked
// before (in this process, as the baseline): the whole row copied into candidates, sorted (or
// partially sorted for top-k), softmaxed with std::exp in double. Rows of real vocabularies' sizes
// (Llama 2 32k, Llama 3 128k, Qwen 152k) drawn from normals: peaked (standard deviation 3) and flat
// (1, which sends draws deep into the ranking). Per configuration: microseconds per token, both
// ways, and the ratio. Then a worker's step: the next tokens of 8 and 16 running sequences drawn
// (with their fingerprints) on one thread, as the gpu_worker did, and on its fork_join_pool of one
// thread per hardware thread, as it does now.
//   ./build/bench/sampler_bench [rows=64]
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "actors/gpu_worker/seeded_sampling.hpp"
#include "kernels/model/sampler.hpp"
#include "kernels/model/token_fingerprint.hpp"
#include "runtime/fork_join_pool.hpp"

using namespace infergrid;
using clock_type = std::chrono::steady_clock;

namespace {

// The previous draw, kept as the baseline: candidates of the whole row, sorted, softmaxed.
struct sorted_candidate {
  model::token_id id;
  float logit;
};

std::vector<double> softmax_sorted(const std::vector<sorted_candidate>& c) {
  std::vector<double> p(c.size());
  double sum = 0;
  for (std::size_t i = 0; i < c.size(); ++i) sum += p[i] = std::exp(static_cast<double>(c[i].logit) - c.front().logit);
  for (double& x : p) x /= sum;
  return p;
}

model::token_id sort_draw(const model::sampler_config& config, std::span<const float> logits, double u) {
  std::vector<sorted_candidate> c(logits.size());
  for (std::size_t i = 0; i < logits.size(); ++i) c[i] = {static_cast<model::token_id>(i), logits[i]};
  const auto order = [](const sorted_candidate& a, const sorted_candidate& b) {
    return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
  };
  if (config.temperature <= 0) return std::min_element(c.begin(), c.end(), order)->id;
  if (config.top_k > 0 && static_cast<std::size_t>(config.top_k) < c.size()) {
    std::partial_sort(c.begin(), c.begin() + config.top_k, c.end(), order);
    c.resize(static_cast<std::size_t>(config.top_k));
  } else {
    std::sort(c.begin(), c.end(), order);
  }
  if (config.top_p < 1) {
    const auto p = softmax_sorted(c);
    double cumulative = 0;
    std::size_t keep = 0;
    while (keep < c.size() && cumulative < config.top_p) cumulative += p[keep++];
    c.resize(std::max<std::size_t>(keep, 1));
  }
  if (config.min_p > 0) {
    const float threshold = c.front().logit + std::log(config.min_p);
    std::size_t keep = 1;
    while (keep < c.size() && c[keep].logit >= threshold) ++keep;
    c.resize(keep);
  }
  for (auto& x : c) x.logit /= config.temperature;
  const auto p = softmax_sorted(c);
  double cumulative = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    cumulative += p[i];
    if (u < cumulative) return c[i].id;
  }
  return c.back().id;
}

double sort_log_sum_exp(std::span<const float> logits) {
  const double max = *std::max_element(logits.begin(), logits.end());
  double sum = 0;
  for (const float x : logits) sum += std::exp(static_cast<double>(x) - max);
  return max + std::log(sum);
}

struct named_config {
  std::string name;
  model::sampler_config config;
};

std::vector<named_config> configs() {
  model::sampler_config greedy;
  greedy.temperature = 0;
  model::sampler_config openai;  // what an OpenAI client sends: temperature 1, nothing cut
  openai.temperature = 1;
  openai.top_k = 0;
  openai.top_p = 1;
  openai.min_p = 0;
  model::sampler_config nucleus = openai;
  nucleus.temperature = 0.7f;
  nucleus.top_p = 0.9f;
  model::sampler_config llama_cpp;  // top-k 40, top-p 0.95, min-p 0.05, temperature 0.8
  return {{"greedy", greedy}, {"openai T=1", openai}, {"top_p 0.9 T=0.7", nucleus}, {"llama.cpp defaults", llama_cpp}};
}

// The request a worker sees for one of the configurations (no penalties, no bias).
sampling_params request_sampling(const model::sampler_config& config) {
  sampling_params params;
  params.temperature = config.temperature;
  params.top_k = config.top_k;
  params.top_p = config.top_p;
  params.min_p = config.min_p;
  params.repeat_penalty = 1.0f;
  params.seed = config.seed;
  return params;
}

double us_per_row(clock_type::time_point start, std::size_t rows) {
  return std::chrono::duration<double, std::micro>(clock_type::now() - start).count() / static_cast<double>(rows);
}

// Microseconds per worker step whose `sequences` draws (draw + fingerprint, as continuous_batch
// makes them) run on `pool`, over `steps` steps of rows taken in turn from `rows`.
double step_us(fork_join_pool& pool, const sampling_params& params, const std::vector<std::vector<float>>& rows,
               std::size_t sequences, std::size_t steps, double& sink) {
  std::vector<double> results(sequences);
  const auto start = clock_type::now();
  for (std::size_t step = 0; step < steps; ++step) {
    pool.run(sequences, [&](std::size_t i) {
      const std::vector<float>& row = rows[(step * sequences + i) % rows.size()];
      const auto position = static_cast<std::uint32_t>(step);
      const gpu_worker::summarized_draw drawn = gpu_worker::draw_and_summarize(params, row, row, {}, position);
      results[i] = model::fingerprint_of(drawn.row, row, drawn.token).chosen_logprob;
    });
    for (const double r : results) sink += r;
  }
  return us_per_row(start, steps);
}

// The second table: a step's draws on one thread against the pool.
double step_draws(std::size_t n_rows) {
  fork_join_pool one(0);
  fork_join_pool all(pool_helpers(0, 16));
  fmt::print("\n| vocabulary | sampling | sequences | one thread, us/step | {} threads, us/step | ratio |\n"
             "|---|---|---|---|---|---|\n", all.threads());
  double sink = 0;
  const auto named = configs();
  for (const std::size_t vocab : {32000u, 151936u}) {
    std::mt19937 rng(static_cast<std::uint32_t>(vocab));
    std::normal_distribution<float> normal(0.0f, 3.0f);
    std::vector<std::vector<float>> rows(std::max<std::size_t>(n_rows, 16), std::vector<float>(vocab));
    for (auto& row : rows) std::generate(row.begin(), row.end(), [&] { return normal(rng); });
    for (const named_config& c : {named[0], named[1]}) {
      for (const std::size_t sequences : {8u, 16u}) {
        const std::size_t steps = std::max<std::size_t>(2, n_rows / sequences);
        const double serial = step_us(one, request_sampling(c.config), rows, sequences, steps, sink);
        const double pooled = step_us(all, request_sampling(c.config), rows, sequences, steps, sink);
        fmt::print("| {} | {} | {} | {:.0f} | {:.0f} | {:.2f}x |\n", vocab, c.name, sequences, serial, pooled, serial / pooled);
      }
    }
  }
  return sink;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n_rows = 64;
  CLI::App app{"sampler_bench: the worker's draw and fingerprint and the validator's interval_of, per token, "
               "against the sorted draw they replaced."};
  app.add_option("rows", n_rows, "logit rows per vocabulary and spread")->capture_default_str()->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  fmt::print("| vocabulary | logits | sampling | before: sorted draw + log-sum-exp, us/token | now: draw + fingerprint | "
             "now: validator's interval_of | before / now |\n|---|---|---|---|---|---|---|\n");
  double sink = 0;
  for (const std::size_t vocab : {32000u, 128256u, 151936u}) {
    for (const float spread : {3.0f, 1.0f}) {
      std::mt19937 rng(static_cast<std::uint32_t>(vocab));
      std::normal_distribution<float> normal(0.0f, spread);
      std::vector<std::vector<float>> rows(n_rows, std::vector<float>(vocab));
      for (auto& row : rows) std::generate(row.begin(), row.end(), [&] { return normal(rng); });
      for (const named_config& c : configs()) {
        std::vector<model::token_id> before_tokens, now_tokens;
        auto start = clock_type::now();
        for (std::size_t i = 0; i < n_rows; ++i) {
          model::sampler_config config = c.config;
          config.seed = i;
          std::mt19937_64 uniform(config.seed);
          const double u = static_cast<double>(uniform() >> 11) * 0x1.0p-53;
          before_tokens.push_back(sort_draw(config, rows[i], u));
          sink += sort_log_sum_exp(rows[i]);
        }
        const double before = us_per_row(start, n_rows);
        start = clock_type::now();
        for (std::size_t i = 0; i < n_rows; ++i) {
          model::sampler_config config = c.config;
          config.seed = i;
          model::sampler s(config);
          now_tokens.push_back(s.sample(rows[i]));
          sink += model::fingerprint_of(rows[i], now_tokens.back()).chosen_logprob;
        }
        const double now = us_per_row(start, n_rows);
        start = clock_type::now();
        for (std::size_t i = 0; i < n_rows; ++i) {
          model::sampler_config config = c.config;
          config.seed = i;
          const auto interval = model::sampler(config).interval_of(rows[i], now_tokens[i]);
          sink += interval ? interval->low : -1.0;
        }
        const double replay = us_per_row(start, n_rows);
        const auto same = std::mismatch(before_tokens.begin(), before_tokens.end(), now_tokens.begin()).first == before_tokens.end();
        fmt::print("| {} | sd {} | {} | {:.1f} | {:.1f} | {:.1f} | {:.1f}x{} |\n", vocab, spread, c.name, before, now, replay,
                   before / now, same ? "" : " (some draws differ)");
      }
    }
  }
  fmt::print("\n(checksum {:.3f})\n", sink);
  fmt::print("\n(step checksum {:.3f})\n", step_draws(n_rows));
  return 0;
}

#pragma once
// sampler: picks the next token from logits with llama.cpp's semantics and order — logit biases
// (OpenAI's logit_bias, added to the raw logits), repetition /
// frequency / presence penalties over the last `repeat_last_n` accepted tokens, then top-k, top-p,
// min-p (on the untempered distribution), temperature, and a draw from a seeded std::mt19937_64.
// Temperature <= 0 is greedy (argmax after penalties; ties go to the lowest id). The same seed and the
// same logits always give the same tokens.
// Cost per draw: a few vectorized passes over the row (its maximum, sums of exps) and a sort of a
// band of a few dozen tokens (ranked_row), never of the whole vocabulary; the exps are logit_sums'
// exp_of (relative error < 3e-7), summed in double.
#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <span>
#include <utility>
#include <vector>

#include "kernels/model/tokenizer.hpp"

namespace infergrid::model {

struct sampler_config {
  float temperature = 0.8f;        // <= 0: greedy
  std::int32_t top_k = 40;         // <= 0: off
  float top_p = 0.95f;             // >= 1: off
  float min_p = 0.05f;             // <= 0: off; keeps p >= min_p * p_max
  float repeat_penalty = 1.0f;     // 1: off; > 1 discourages repeats (logit / penalty, or * if negative)
  float frequency_penalty = 0.0f;  // subtracted per occurrence in the window
  float presence_penalty = 0.0f;   // subtracted once if present in the window
  std::int32_t repeat_last_n = 64; // window of accepted tokens the penalties look at (0: off)
  std::uint64_t seed = 0;
  // Added to the logits first (OpenAI's logit_bias: -100 all but bans a token, 100 all but forces
  // it); ids outside the logits are ignored here (the worker refuses them up front).
  std::vector<std::pair<token_id, float>> logit_bias;

  // Whether a penalty is on (it applies once tokens have been accepted).
  bool penalizes() const { return repeat_penalty != 1.0f || frequency_penalty != 0.0f || presence_penalty != 0.0f; }
  // Whether a bias or a penalty can change the logits before the draw; otherwise the draw reads the
  // row as it is.
  bool changes_logits() const { return !logit_bias.empty() || penalizes(); }
};

// One token of the distribution a draw picks from.
struct weighted_token {
  token_id id = 0;
  double probability = 0;
};

// Where one token lies in the cumulative distribution a draw walks: the draw takes it when the
// uniform falls in [low, high).
struct draw_interval {
  double low = 0;
  double high = 0;
};

class sampler {
 public:
  explicit sampler(const sampler_config& config);

  // Samples the next token from one row of logits (not empty) and accepts it into the penalty window.
  token_id sample(std::span<const float> logits);
  // What sample() would pick from, without drawing or accepting: after penalties, top-k, top-p,
  // min-p and temperature, most likely first, probabilities summing to 1 (the draw takes the first
  // token whose cumulative probability exceeds the uniform next_uniform() returns). Greedy: the
  // argmax alone. Lists every candidate (a sort of them): for tests and tools, not per token.
  std::vector<weighted_token> distribution(std::span<const float> logits) const;
  // Where `token` lies in that distribution, without listing it (one pass over the row for most
  // tokens): nothing when the cuts (top-k, top-p, min-p) leave the token out. Greedy: [0, 1) for
  // the argmax, nothing for any other token.
  std::optional<draw_interval> interval_of(std::span<const float> logits, token_id token) const;
  // The widest interval `token` can have had on a device whose logits differ from these by up to
  // `rank_tolerance` (a validator's replay of another device's draw): the tokens whose logits lie
  // within rank_tolerance of the token's may have ranked either side of it there, so the interval
  // runs from the weight of those surely ranked before it to the weight of all that may have been
  // (itself included); a token the cuts leave out counts when its logit is within rank_tolerance of
  // the lowest candidate's. Nothing when it is further out, or at temperature 0.
  std::optional<draw_interval> loose_interval_of(std::span<const float> logits, token_id token, float rank_tolerance) const;
  // The uniform in [0, 1) the next draw would use (a copy of the generator advances, this one not).
  double next_uniform() const;
  // Adds a token (e.g. from the prompt) to the penalty window.
  void accept(token_id token);
  // Clears the window and reseeds the generator.
  void reset();

  const sampler_config& config() const { return config_; }

 private:
  struct draw_table;
  // The logits after biases and penalties: `logits` itself when none applies, else a copy in `scratch`.
  std::span<const float> adjusted(std::span<const float> logits, std::vector<float>& scratch) const;
  draw_table table(std::span<const float> adjusted) const;

  sampler_config config_;
  std::mt19937_64 rng_;
  std::deque<token_id> recent_;
};

}  // namespace infergrid::model

#include "kernels/model/sampler.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "kernels/model/test_support.hpp"

namespace infergrid::model {
namespace {

sampler_config plain(float temperature, std::uint64_t seed = 1) {
  sampler_config c;
  c.temperature = temperature;
  c.top_k = 0;
  c.top_p = 1.0f;
  c.min_p = 0.0f;
  c.seed = seed;
  return c;
}

std::vector<float> random_logits(std::size_t n, std::uint32_t seed) { return testing_support::random_normals(n, seed, 3.0f); }

// The token a draw with uniform `u` takes from a listed distribution: the first whose cumulative
// probability exceeds u (the last when rounding leaves u above the total).
token_id walked_to(const std::vector<weighted_token>& weighted, double u) {
  double cumulative = 0;
  for (const auto& w : weighted) {
    cumulative += w.probability;
    if (u < cumulative) return w.id;
  }
  return weighted.back().id;
}

std::vector<int> histogram(sampler& s, std::span<const float> logits, int draws) {
  std::vector<int> counts(logits.size(), 0);
  for (int i = 0; i < draws; ++i) ++counts[static_cast<std::size_t>(s.sample(logits))];
  return counts;
}

TEST(sampler, greedy_is_argmax) {
  for (std::uint32_t seed = 0; seed < 20; ++seed) {
    const std::vector<float> logits = random_logits(300, seed);
    sampler s(plain(0.0f));
    const auto argmax = std::max_element(logits.begin(), logits.end()) - logits.begin();
    EXPECT_EQ(s.sample(logits), argmax);
  }
  sampler ties(plain(0.0f));
  EXPECT_EQ(ties.sample(std::vector<float>{1.0f, 5.0f, 5.0f}), 1);  // ties: lowest id
}

// A broken model's row (every logit NaN, or +inf in it) has nothing to draw from: the sampler stays
// total on it (greedy's pick, no interval) with the default cuts, which once read past an empty head.
TEST(sampler, a_row_without_a_finite_logit_is_not_drawn_from_and_never_crashes) {
  sampler_config c;  // the defaults: top-k 40, top-p 0.95, temperature 0.8
  std::vector<float> nan_row(600, std::nanf(""));
  std::vector<float> inf_row = random_logits(600, 5);
  inf_row[17] = std::numeric_limits<float>::infinity();
  for (const std::vector<float>& row : {nan_row, inf_row}) {
    sampler s(c);
    const token_id drawn = s.sample(row);
    EXPECT_GE(drawn, 0);
    EXPECT_LT(drawn, 600);
    EXPECT_EQ(s.distribution(row).size(), 1u);
    EXPECT_FALSE(sampler(c).interval_of(row, drawn).has_value());
    EXPECT_FALSE(sampler(c).loose_interval_of(row, drawn, 0.01f).has_value());
  }
}

TEST(sampler, top_k_one_is_greedy) {
  const std::vector<float> logits = random_logits(500, 3);
  sampler_config c = plain(1.5f, 99);
  c.top_k = 1;
  sampler s(c);
  const auto argmax = std::max_element(logits.begin(), logits.end()) - logits.begin();
  for (int i = 0; i < 50; ++i) EXPECT_EQ(s.sample(logits), argmax);
}

TEST(sampler, same_seed_same_tokens_other_seed_differs) {
  const std::vector<float> logits = random_logits(1000, 4);
  sampler_config c;  // llama.cpp defaults
  c.temperature = 1.5f;
  c.seed = 42;
  sampler a(c), b(c);
  c.seed = 43;
  sampler other(c);
  std::vector<token_id> from_a, from_b, from_other;
  for (int i = 0; i < 64; ++i) {
    from_a.push_back(a.sample(logits));
    from_b.push_back(b.sample(logits));
    from_other.push_back(other.sample(logits));
  }
  EXPECT_EQ(from_a, from_b);
  EXPECT_NE(from_a, from_other);
  a.reset();
  EXPECT_EQ(a.sample(logits), from_a[0]);
}

TEST(sampler, draws_follow_the_distribution) {
  // p = 0.5, 0.3, 0.2; 30000 draws; chi-square with 2 degrees of freedom below 13.8 (p = 0.001).
  const std::vector<double> p = {0.5, 0.3, 0.2};
  const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.2f)};
  sampler s(plain(1.0f, 7));
  const int draws = 30000;
  const std::vector<int> counts = histogram(s, logits, draws);
  double chi_square = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double expected = p[i] * draws;
    chi_square += (counts[i] - expected) * (counts[i] - expected) / expected;
  }
  EXPECT_LT(chi_square, 13.8) << counts[0] << " " << counts[1] << " " << counts[2];
}

// distribution() and next_uniform() replay a draw exactly: the token sample() takes is the first whose
// cumulative probability exceeds the uniform, and neither call advances the generator.
TEST(sampler, distribution_and_next_uniform_replay_each_draw) {
  const std::vector<float> logits = random_logits(400, 21);
  sampler_config config = plain(0.9f, 99);
  config.top_k = 30;
  config.top_p = 0.9f;
  config.min_p = 0.02f;
  config.repeat_penalty = 1.3f;
  sampler s(config);
  for (int i = 0; i < 200; ++i) {
    const auto weighted = s.distribution(logits);
    double total = 0;
    for (const auto& w : weighted) total += w.probability;
    EXPECT_NEAR(total, 1.0, 1e-9);
    const double u = s.next_uniform();
    EXPECT_EQ(u, s.next_uniform());
    EXPECT_EQ(s.sample(logits), walked_to(weighted, u)) << "draw " << i;
  }
  sampler greedy(plain(0.0f, 1));
  ASSERT_EQ(greedy.distribution(logits).size(), 1u);
  EXPECT_EQ(greedy.distribution(logits)[0].id, greedy.sample(logits));
}

TEST(sampler, temperature_sharpens) {
  const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.2f)};
  sampler cold(plain(0.25f, 5));
  const std::vector<int> counts = histogram(cold, logits, 10000);
  // At T = 1/4 the probabilities go as p^4: 0.0625 : 0.0081 : 0.0016 → first ≈ 86%.
  EXPECT_GT(counts[0], 8300);
  EXPECT_LT(counts[0], 8900);
}

TEST(sampler, top_k_top_p_min_p_cut_the_tail) {
  const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)};
  sampler_config k = plain(1.0f, 11);
  k.top_k = 2;
  sampler_config p = plain(1.0f, 11);
  p.top_p = 0.7f;  // 0.5 < 0.7, 0.8 >= 0.7: keeps two
  sampler_config m = plain(1.0f, 11);
  m.min_p = 0.5f;  // keeps p >= 0.25: two
  for (const sampler_config& c : {k, p, m}) {
    sampler s(c);
    const std::vector<int> counts = histogram(s, logits, 5000);
    EXPECT_EQ(counts[2] + counts[3], 0);
    EXPECT_GT(counts[1], 1500);  // renormalised 0.375 of the draws
    EXPECT_LT(counts[1], 2250);
  }
}

TEST(sampler, repetition_penalty_llama_cpp_semantics) {
  sampler_config c = plain(0.0f);
  c.repeat_penalty = 2.0f;
  c.repeat_last_n = 2;
  sampler s(c);
  // Token 0 (logit 3) seen: 3 / 2 = 1.5 < 2 → token 1 wins.
  s.accept(0);
  EXPECT_EQ(s.sample(std::vector<float>{3.0f, 2.0f, -1.0f}), 1);
  // Window is now {0, 1}: 3/2 = 1.5 vs 2.5/2 = 1.25 → 0; negatives are multiplied: -1 * 2 = -2.
  EXPECT_EQ(s.sample(std::vector<float>{3.0f, 2.5f, 1.4f}), 0);
  // Window {1, 0}: both penalised (1.4, 1.3) and token 2 (1.45) unpenalised wins.
  EXPECT_EQ(s.sample(std::vector<float>{2.8f, 2.6f, 1.45f}), 2);
  // Window {0, 2}: token 1 left the window, so it is no longer penalised.
  EXPECT_EQ(s.sample(std::vector<float>{2.0f, 1.5f, 2.0f}), 1);
  sampler_config negative = plain(0.0f);
  negative.repeat_penalty = 2.0f;
  sampler n(negative);
  n.accept(0);
  EXPECT_EQ(n.sample(std::vector<float>{-1.0f, -1.5f}), 1);  // -1 * 2 = -2 < -1.5
}

TEST(sampler, logit_bias_is_added_before_everything_else) {
  const std::vector<float> logits = random_logits(300, 7);
  const auto argmax = std::max_element(logits.begin(), logits.end()) - logits.begin();
  sampler_config banned = plain(0.0f);
  banned.logit_bias = {{static_cast<token_id>(argmax), -100.0f}};
  EXPECT_NE(sampler(banned).sample(logits), argmax);
  sampler_config forced = plain(1.0f, 5);
  forced.logit_bias = {{3, 100.0f}};
  sampler s(forced);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(s.sample(logits), 3);
  sampler_config outside = plain(0.0f);
  outside.logit_bias = {{-1, 100.0f}, {300, 100.0f}};  // ignored here; the worker refuses them
  EXPECT_EQ(sampler(outside).sample(logits), argmax);
}

TEST(sampler, frequency_and_presence_penalties) {
  sampler_config c = plain(0.0f);
  c.frequency_penalty = 0.5f;
  c.presence_penalty = 0.25f;
  sampler s(c);
  s.accept(0);
  s.accept(0);
  // 3 - 2 * 0.5 - 0.25 = 1.75 < 1.8
  EXPECT_EQ(s.sample(std::vector<float>{3.0f, 1.8f}), 1);
}

// The configurations clients send: OpenAI's (no top-k, top-p 1, no min-p), llama.cpp's defaults,
// top-p alone (ranked as far as its walk goes), top-k alone, and with a repetition penalty.
std::vector<sampler_config> client_configs() {
  std::vector<sampler_config> out;
  out.push_back(plain(1.0f, 3));
  sampler_config llama_cpp;
  llama_cpp.seed = 4;
  out.push_back(llama_cpp);
  sampler_config nucleus = plain(0.7f, 5);
  nucleus.top_p = 0.9f;
  out.push_back(nucleus);
  sampler_config k = plain(1.3f, 6);
  k.top_k = 50;
  out.push_back(k);
  sampler_config penalised = plain(0.9f, 7);
  penalised.repeat_penalty = 1.3f;
  penalised.min_p = 0.01f;
  out.push_back(penalised);
  return out;
}

// On rows of a real vocabulary's size, peaked (standard deviation 3) and flat (0.3: draws land deep
// in the ranking): sample() takes the token the listed distribution() walk takes, and interval_of()
// that token holds the uniform; the intervals are the listed probabilities.
TEST(sampler, draws_intervals_and_the_listed_distribution_agree_on_large_rows) {
  for (const float spread : {3.0f, 0.3f}) {
    for (const sampler_config& config : client_configs()) {
      sampler s(config);
      for (int i = 0; i < 6; ++i) {
        const std::vector<float> logits = testing_support::random_normals(32000, 40 + static_cast<std::uint32_t>(i), spread);
        s.accept(static_cast<token_id>(i * 11));
        const auto weighted = s.distribution(logits);
        const double u = s.next_uniform();
        const token_id walked = walked_to(weighted, u);
        double total = 0;
        for (const auto& w : weighted) total += w.probability;
        EXPECT_NEAR(total, 1.0, 1e-9);
        const std::size_t middle = weighted.size() / 2;
        const auto listed = s.interval_of(logits, weighted[middle].id);
        ASSERT_TRUE(listed.has_value());
        EXPECT_NEAR(listed->high - listed->low, weighted[middle].probability, 1e-9);
        const auto interval = s.interval_of(logits, walked);
        ASSERT_TRUE(interval.has_value()) << "spread " << spread << " draw " << i;
        EXPECT_LE(interval->low, u + 1e-9);
        EXPECT_GT(interval->high, u - 1e-9);
        EXPECT_EQ(s.sample(logits), walked) << "spread " << spread << " draw " << i << " top_p " << config.top_p;
      }
    }
  }
}

TEST(sampler, interval_of_a_cut_token_is_nothing) {
  const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)};
  sampler_config k = plain(1.0f, 11);
  k.top_k = 2;
  EXPECT_FALSE(sampler(k).interval_of(logits, 2).has_value());
  EXPECT_TRUE(sampler(k).interval_of(logits, 1).has_value());
  sampler_config m = plain(1.0f, 11);
  m.min_p = 0.5f;
  EXPECT_FALSE(sampler(m).interval_of(logits, 3).has_value());
  const auto first = sampler(m).interval_of(logits, 0);
  ASSERT_TRUE(first.has_value());
  EXPECT_NEAR(first->high, 0.625, 1e-6);  // 0.5 / (0.5 + 0.3)
  sampler_config greedy = plain(0.0f);
  EXPECT_TRUE(sampler(greedy).interval_of(logits, 0).has_value());
  EXPECT_FALSE(sampler(greedy).interval_of(logits, 1).has_value());
  EXPECT_FALSE(sampler(plain(1.0f)).interval_of(logits, 4).has_value());  // not a token of the row
}

// A validator's replay of another device's draw: two nearly equal logits may swap places there,
// which moves a token's interval by the other's whole probability. The loose interval holds the
// token's interval on a row whose logits differ by less than the tolerance, and a cut token
// counts only within the tolerance of the lowest candidate.
TEST(sampler, loose_interval_holds_the_interval_of_every_nearby_row) {
  const std::vector<float> here = {2.0f, 1.0f, 0.999f, 0.5f, -3.0f};  // tokens 1 and 2 nearly tied
  std::vector<float> there = here;
  there[2] = 1.001f;  // on the miner's device token 2 ranks before token 1
  const sampler_config config = plain(1.0f, 5);
  const auto exact = sampler(config).interval_of(there, 1);
  const auto loose = sampler(config).loose_interval_of(here, 1, 0.01f);
  ASSERT_TRUE(exact && loose);
  // Up to the weights' own change (the near_tie_cdf margin covers that): 0.002 of a logit here.
  EXPECT_LE(loose->low, exact->low + 1e-3);
  EXPECT_GE(loose->high, exact->high - 1e-3);
  const auto own = sampler(config).interval_of(here, 1);
  ASSERT_TRUE(own);
  EXPECT_GT(exact->low - own->low, 0.15);  // the swap moved it by token 2's probability (0.187)
  // No tolerance: the exact interval.
  const auto tight = sampler(config).loose_interval_of(here, 1, 0.0f);
  ASSERT_TRUE(tight);
  EXPECT_NEAR(tight->low, own->low, 1e-9);
  EXPECT_NEAR(tight->high, own->high, 1e-9);
  // top-k 3 keeps tokens 0, 1, 2; token 3 (0.5) is out by 0.499 and token 4 far out.
  sampler_config k = config;
  k.top_k = 3;
  EXPECT_FALSE(sampler(k).loose_interval_of(here, 3, 0.1f).has_value());
  EXPECT_TRUE(sampler(k).loose_interval_of(here, 3, 0.6f).has_value());
  EXPECT_FALSE(sampler(k).loose_interval_of(here, 4, 0.6f).has_value());
  EXPECT_FALSE(sampler(plain(0.0f)).loose_interval_of(here, 1, 0.1f).has_value());  // greedy: the gap rule
}

}  // namespace
}  // namespace infergrid::model

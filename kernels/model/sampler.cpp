#include "kernels/model/sampler.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <unordered_map>

namespace infergrid::model {
namespace {


// Highest logit first; equal logits by lower id, so every order is total and deterministic.
constexpr auto by_logit_descending = [](const auto& a, const auto& b) {
  return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
};

// Probabilities of `candidates` (sorted by logit, descending), max-subtracted for stability.
template <class Candidate>
std::vector<double> softmax(const std::vector<Candidate>& candidates) {
  std::vector<double> p(candidates.size());
  double sum = 0.0;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    p[i] = std::exp(static_cast<double>(candidates[i].logit) - static_cast<double>(candidates.front().logit));
    sum += p[i];
  }
  for (double& x : p) x /= sum;
  return p;
}

}  // namespace

sampler::sampler(const sampler_config& config) : config_(config), rng_(config.seed) {}

void sampler::reset() {
  recent_.clear();
  rng_.seed(config_.seed);
}

void sampler::accept(token_id token) {
  if (config_.repeat_last_n <= 0) return;
  recent_.push_back(token);
  while (recent_.size() > static_cast<std::size_t>(config_.repeat_last_n)) recent_.pop_front();
}

void sampler::apply_biases(std::vector<candidate>& candidates) const {
  for (const auto& [token, bias] : config_.logit_bias) {
    if (token >= 0 && static_cast<std::size_t>(token) < candidates.size()) candidates[static_cast<std::size_t>(token)].logit += bias;
  }
}

void sampler::apply_penalties(std::vector<candidate>& candidates) const {
  if (recent_.empty()) return;
  std::unordered_map<token_id, int> counts;
  for (token_id t : recent_) ++counts[t];
  for (const auto& [token, count] : counts) {
    if (token < 0 || static_cast<std::size_t>(token) >= candidates.size()) continue;
    float& logit = candidates[static_cast<std::size_t>(token)].logit;
    logit = logit <= 0.0f ? logit * config_.repeat_penalty : logit / config_.repeat_penalty;
    logit -= static_cast<float>(count) * config_.frequency_penalty + config_.presence_penalty;
  }
}

namespace {

// 53 random bits as a double in [0, 1): the same on every platform, unlike std::uniform_real_distribution.
double uniform_of(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

}  // namespace

double sampler::next_uniform() const {
  std::mt19937_64 copy = rng_;
  return uniform_of(copy);
}

std::vector<weighted_token> sampler::distribution(std::span<const float> logits) const {
  assert(!logits.empty());
  std::vector<candidate> candidates(logits.size());
  for (std::size_t i = 0; i < logits.size(); ++i) candidates[i] = {static_cast<token_id>(i), logits[i]};
  apply_biases(candidates);
  apply_penalties(candidates);
  if (config_.temperature <= 0.0f) {
    return {{std::min_element(candidates.begin(), candidates.end(), by_logit_descending)->id, 1.0}};
  }
  // The order is total (ties by id), so sorting only the top_k that survive gives the same list.
  if (config_.top_k > 0 && static_cast<std::size_t>(config_.top_k) < candidates.size()) {
    const auto kept = candidates.begin() + config_.top_k;
    std::partial_sort(candidates.begin(), kept, candidates.end(), by_logit_descending);
    candidates.erase(kept, candidates.end());
  } else {
    std::sort(candidates.begin(), candidates.end(), by_logit_descending);
  }
  if (config_.top_p < 1.0f) {
    const std::vector<double> p = softmax(candidates);
    double cumulative = 0.0;
    std::size_t keep = 0;
    while (keep < candidates.size() && cumulative < config_.top_p) cumulative += p[keep++];
    candidates.resize(std::max<std::size_t>(keep, 1));
  }
  if (config_.min_p > 0.0f) {
    // p_i >= min_p * p_max  <=>  logit_i >= logit_max + log(min_p)
    const float threshold = candidates.front().logit + std::log(config_.min_p);
    std::size_t keep = 1;
    while (keep < candidates.size() && candidates[keep].logit >= threshold) ++keep;
    candidates.resize(keep);
  }
  for (candidate& c : candidates) c.logit /= config_.temperature;
  const std::vector<double> p = softmax(candidates);
  std::vector<weighted_token> out(candidates.size());
  for (std::size_t i = 0; i < candidates.size(); ++i) out[i] = {candidates[i].id, p[i]};
  return out;
}

token_id sampler::sample(std::span<const float> logits) {
  const std::vector<weighted_token> weighted = distribution(logits);
  token_id chosen = weighted.back().id;  // rounding left u above the total
  if (config_.temperature <= 0.0f) {
    chosen = weighted.front().id;
  } else {
    const double u = uniform_of(rng_);
    double cumulative = 0.0;
    for (const weighted_token& w : weighted) {
      cumulative += w.probability;
      if (u < cumulative) {
        chosen = w.id;
        break;
      }
    }
  }
  accept(chosen);
  return chosen;
}

}  // namespace infergrid::model

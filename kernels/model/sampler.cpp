#include "kernels/model/sampler.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "kernels/model/logit_sums.hpp"
#include "kernels/model/ranked_row.hpp"

namespace infergrid::model {
namespace {

// The adjusted logits of the current draw, when biases or penalties apply (one row per thread).
thread_local std::vector<float> adjusted_scratch;

// 53 random bits as a double in [0, 1): the same on every platform, unlike std::uniform_real_distribution.
double uniform_of(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

token_id argmax(std::span<const float> logits) { return static_cast<token_id>(argmax_logit(logits)); }

}  // namespace

// What a draw at temperature > 0 chooses among: the candidates top-k, top-p and min-p leave, each
// weighing exp_of((logit - top) / temperature) of `total`. With top-k the row is the k best logits
// alone, in rank order (so the position in it is the rank), and `head_ids` their token ids.
struct sampler::draw_table {
  std::vector<float> head_logits;
  std::vector<token_id> head_ids;
  ranked_row row;
  float inverse_temperature = 1;
  double total = 0;  // 0 only for a row whose largest logit is not finite (see table())

  // A row whose largest logit is not finite (all NaN or -inf, or +inf in it) weighs nothing: it has
  // no distribution to draw from. A broken model gives one; the callers refuse it
  // (finite_logits.hpp), and the sampler stays total: greedy's pick, and no interval.
  bool drawable() const { return total > 0; }
  token_id token_at(token_id index) const { return head_ids.empty() ? index : head_ids[static_cast<std::size_t>(index)]; }
  std::optional<ranked_token> candidate(token_id token) const {
    if (head_ids.empty()) return row.token(token);
    const auto at = std::find(head_ids.begin(), head_ids.end(), token);
    if (at == head_ids.end()) return std::nullopt;
    return row.token(static_cast<token_id>(at - head_ids.begin()));
  }
};

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

std::span<const float> sampler::adjusted(std::span<const float> logits, std::vector<float>& scratch) const {
  const bool penalties = !recent_.empty() && config_.penalizes();
  if (config_.logit_bias.empty() && !penalties) return logits;
  scratch.assign(logits.begin(), logits.end());
  for (const auto& [token, bias] : config_.logit_bias) {
    if (token >= 0 && static_cast<std::size_t>(token) < scratch.size()) scratch[static_cast<std::size_t>(token)] += bias;
  }
  if (!penalties) return scratch;
  std::unordered_map<token_id, int> counts;
  for (token_id t : recent_) ++counts[t];
  for (const auto& [token, count] : counts) {
    if (token < 0 || static_cast<std::size_t>(token) >= scratch.size()) continue;
    float& logit = scratch[static_cast<std::size_t>(token)];
    logit = logit <= 0.0f ? logit * config_.repeat_penalty : logit / config_.repeat_penalty;
    logit -= static_cast<float>(count) * config_.frequency_penalty + config_.presence_penalty;
  }
  return scratch;
}

sampler::draw_table sampler::table(std::span<const float> x) const {
  draw_table t;
  if (config_.top_k > 0 && static_cast<std::size_t>(config_.top_k) < x.size()) {
    for (const ranked_token& c : best_of(x, static_cast<std::size_t>(config_.top_k))) {
      t.head_logits.push_back(c.logit);
      t.head_ids.push_back(c.id);
    }
    x = t.head_logits;
  }
  const float top = max_logit(x);
  if (!std::isfinite(top)) return t;  // not drawable: nothing below is defined
  // min-p: p >= min_p * p_max  <=>  logit >= top + log(min_p)
  const float floor = config_.min_p > 0.0f ? top + std::log(config_.min_p) : -std::numeric_limits<float>::infinity();
  t.row = ranked_row{x, top, floor, std::nullopt};
  if (config_.top_p < 1.0f) {
    // The smallest head whose untempered probability, over every token top-k left, reaches top_p.
    const double untempered_total = sum_of_exps(x, top, 1.0f, -std::numeric_limits<float>::infinity());
    t.row.last = t.row.first_past(config_.top_p * untempered_total, 1.0f);
  }
  t.inverse_temperature = 1.0f / config_.temperature;
  t.total = t.row.total_weight(t.inverse_temperature);
  return t;
}

double sampler::next_uniform() const {
  std::mt19937_64 copy = rng_;
  return uniform_of(copy);
}

std::vector<weighted_token> sampler::distribution(std::span<const float> logits) const {
  assert(!logits.empty());
  const std::span<const float> x = adjusted(logits, adjusted_scratch);
  if (config_.temperature <= 0.0f) return {{argmax(x), 1.0}};
  const draw_table t = table(x);
  if (!t.drawable()) return {{argmax(x), 1.0}};
  std::vector<weighted_token> out;
  for (const ranked_token& c : t.row.ranked()) {
    out.push_back({t.token_at(c.id), t.row.weight(c.logit, t.inverse_temperature) / t.total});
  }
  return out;
}

std::optional<draw_interval> sampler::interval_of(std::span<const float> logits, token_id token) const {
  assert(!logits.empty());
  if (token < 0 || static_cast<std::size_t>(token) >= logits.size()) return std::nullopt;
  const std::span<const float> x = adjusted(logits, adjusted_scratch);
  if (config_.temperature <= 0.0f) {
    if (argmax(x) != token) return std::nullopt;
    return draw_interval{0.0, 1.0};
  }
  const draw_table t = table(x);
  if (!t.drawable()) return std::nullopt;
  const std::optional<ranked_token> own = t.candidate(token);
  if (!own || !t.row.holds(*own)) return std::nullopt;
  const double low = t.row.weight_before(*own, t.inverse_temperature) / t.total;
  return draw_interval{low, low + t.row.weight(own->logit, t.inverse_temperature) / t.total};
}

std::optional<draw_interval> sampler::loose_interval_of(std::span<const float> logits, token_id token,
                                                       float rank_tolerance) const {
  assert(!logits.empty());
  if (token < 0 || static_cast<std::size_t>(token) >= logits.size() || config_.temperature <= 0.0f) return std::nullopt;
  const std::span<const float> x = adjusted(logits, adjusted_scratch);
  const draw_table t = table(x);
  if (!t.drawable()) return std::nullopt;
  const float own = x[static_cast<std::size_t>(token)];
  if (std::isnan(own)) return std::nullopt;
  // The lowest logit the cuts keep: min-p's floor, top-p's last token, top-k's k-th.
  float lowest = t.row.floor;
  if (t.row.last) lowest = std::max(lowest, t.row.last->logit);
  if (!t.head_logits.empty()) lowest = std::max(lowest, t.head_logits.back());
  if (own < lowest - rank_tolerance) return std::nullopt;
  const float scale = t.inverse_temperature;
  const double surely_before = sum_of_exps(t.row.logits, t.row.top, scale, std::nextafter(own + rank_tolerance, INFINITY));
  double through = sum_of_exps(t.row.logits, t.row.top, scale, own - rank_tolerance);
  const std::optional<ranked_token> candidate = t.candidate(token);
  if (!candidate || !t.row.holds(*candidate)) through += t.row.weight(own, scale);  // a candidate there
  return draw_interval{surely_before / t.total, std::min(1.0, through / t.total)};
}

token_id sampler::sample(std::span<const float> logits) {
  assert(!logits.empty());
  const std::span<const float> x = adjusted(logits, adjusted_scratch);
  std::optional<draw_table> t;
  if (config_.temperature > 0.0f) t = table(x);
  // Greedy's pick, also for a row that is not drawable.
  const token_id chosen = t && t->drawable() ? t->token_at(t->row.first_past(uniform_of(rng_) * t->total, t->inverse_temperature).id)
                                             : argmax(x);
  accept(chosen);
  return chosen;
}

}  // namespace infergrid::model

#include "kernels/model/ranked_row.hpp"

#include <algorithm>
#include <cstdint>
#include <cmath>
#include <limits>

#include "kernels/model/logit_sums.hpp"

namespace infergrid::model {
namespace {

constexpr float infinity = std::numeric_limits<float>::infinity();

float just_above(float v) { return std::nextafter(v, infinity); }

// How many tokens before `end` have exactly this logit.
std::size_t equal_before(std::span<const float> logits, float logit, std::size_t end) {
  return static_cast<std::size_t>(std::count(logits.begin(), logits.begin() + static_cast<std::ptrdiff_t>(end), logit));
}

}  // namespace

double ranked_row::weight(float logit, float scale) const { return exp_of((logit - top) * scale); }

bool ranked_row::holds(const ranked_token& t) const {
  return t.logit >= floor && (!last || !ranks_before(*last, t));  // false for NaN
}

double ranked_row::total_weight(float scale) const {
  if (last && last->logit >= floor) {  // those above the cut's logit, and its equals up to its id
    const auto through = static_cast<std::size_t>(last->id) + 1;
    return sum_of_exps(logits, top, scale, just_above(last->logit)) +
           static_cast<double>(equal_before(logits, last->logit, through)) * weight(last->logit, scale);
  }
  return sum_of_exps(logits, top, scale, floor);
}

double ranked_row::weight_before(const ranked_token& t, float scale) const {
  return sum_of_exps(logits, top, scale, just_above(t.logit)) +
         static_cast<double>(equal_before(logits, t.logit, static_cast<std::size_t>(t.id))) * weight(t.logit, scale);
}

ranked_token ranked_row::first_past(double target, float scale) const {
  // One vectorized pass weighs every token and files it by depth below the top; the buckets'
  // weights, added from the top, find the bucket the crossing lies in; only that bucket is sorted.
  thread_local std::vector<float> weights;
  thread_local std::vector<std::uint16_t> buckets;
  thread_local std::vector<double> bucket_weights;
  weights.resize(logits.size());
  buckets.resize(logits.size());
  bucket_weights.assign(depth_buckets, 0.0);
  const float held_floor = last ? std::max(floor, last->logit) : floor;
  weigh_into_buckets(logits, top, scale, held_floor, weights, buckets);
  const auto after_last = [&](std::size_t i) {  // ties with the cut's logit beyond its id
    return last && logits[i] == last->logit && i > static_cast<std::size_t>(last->id);
  };
  for (std::size_t i = 0; i < logits.size(); ++i) {
    if (!after_last(i)) bucket_weights[buckets[i]] += weights[i];
  }
  double before = 0;
  std::size_t crossing = 0;
  while (crossing < depth_buckets && !(before + bucket_weights[crossing] > target)) before += bucket_weights[crossing++];
  if (crossing < depth_buckets) {
    std::vector<ranked_token> band;
    for (std::size_t i = 0; i < logits.size(); ++i) {
      if (buckets[i] != crossing) continue;
      const ranked_token t = token(static_cast<token_id>(i));
      if (holds(t)) band.push_back(t);
    }
    std::sort(band.begin(), band.end(), ranks_before);
    for (const ranked_token& t : band) {
      before += weights[static_cast<std::size_t>(t.id)];
      if (before > target) return t;
    }
    if (!band.empty()) return band.back();
  }
  // No crossing (the weights fall short of the target by rounding; rare): the lowest-ranked candidate.
  const std::vector<ranked_token> all = ranked();
  return all.empty() ? ranked_token{} : all.back();
}

std::vector<ranked_token> ranked_row::ranked() const {
  std::vector<ranked_token> out;
  for (std::size_t i = 0; i < logits.size(); ++i) {
    const ranked_token t{static_cast<token_id>(i), logits[i]};
    if (holds(t)) out.push_back(t);
  }
  std::sort(out.begin(), out.end(), ranks_before);
  return out;
}

std::vector<ranked_token> best_of(std::span<const float> logits, std::size_t count) {
  // Only tokens at or above a floor that `count` tokens reach can be among the best: vectorized
  // counts find one (1, 2, 4, ... 64 below the top), and only those tokens reach the heap.
  float floor = -infinity;
  if (count > 0 && logits.size() > 4 * count) {
    const float top = max_logit(logits);
    for (float depth = 1.0f; depth <= 64.0f && std::isfinite(top); depth *= 2.0f) {
      if (count_at_least(logits, top - depth) >= count) {
        floor = top - depth;
        break;
      }
    }
  }
  // A heap of the best `count` so far with the worst of them on top: one comparison for most tokens.
  std::vector<ranked_token> best;
  best.reserve(count + 1);
  for (std::size_t i = 0; i < logits.size() && count > 0; ++i) {
    const ranked_token t{static_cast<token_id>(i), logits[i]};
    if (!(t.logit >= floor)) continue;  // below the floor, or NaN
    if (best.size() < count) {
      best.push_back(t);
      std::push_heap(best.begin(), best.end(), ranks_before);
    } else if (ranks_before(t, best.front())) {
      std::pop_heap(best.begin(), best.end(), ranks_before);
      best.back() = t;
      std::push_heap(best.begin(), best.end(), ranks_before);
    }
  }
  std::sort(best.begin(), best.end(), ranks_before);
  return best;
}

}  // namespace infergrid::model

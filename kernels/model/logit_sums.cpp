#include "kernels/model/logit_sums.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

// Each whole-row pass is built for AVX-512, AVX2 and the baseline, and the loader picks the best the
// CPU has (GCC/Clang function multiversioning; 6x the baseline's speed with AVX-512). The file is
// built without FMA contraction, so every version gives the same bits.
#if defined(__x86_64__) && defined(__GNUC__)
#define INFERGRID_ROW_PASS __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define INFERGRID_ROW_PASS
#endif

namespace infergrid::model {
namespace {

// Lanes of the reductions: independent partial results the compiler keeps in vector registers.
constexpr std::size_t lanes = 8;

// Logits per chunk of the one-pass functions: 16 KB, so a chunk's second look is from L1.
constexpr std::size_t chunk_logits = 4096;

// e^x = 2^n * e^r with n = round(x / ln 2) and |r| <= ln 2 / 2; e^r by its Taylor polynomial to
// degree 6 (error < 3e-7 relative with the float rounding); 2^n added to the exponent bits. No branches,
// so the loops below vectorize.
inline float exp_term(float x) {
  const float below = x <= -86.0f ? 0.0f : 1.0f;
  x = std::min(std::max(x, -86.0f), 0.0f);
  constexpr float round_magic = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  const float n = (x * 1.44269504f + round_magic) - round_magic;
  const float r = (x - n * 0.693145752f) - n * 1.42860677e-6f;  // ln 2 in two parts
  float p = 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const std::int32_t bits = std::bit_cast<std::int32_t>(p) + (static_cast<std::int32_t>(n) << 23);
  return std::bit_cast<float>(bits) * below;
}

}  // namespace

float exp_of(float x) { return exp_term(x); }

INFERGRID_ROW_PASS float max_logit(std::span<const float> logits) {
  float best[lanes];
  for (float& b : best) b = -std::numeric_limits<float>::infinity();
  const std::size_t whole = logits.size() / lanes * lanes;
  for (std::size_t i = 0; i < whole; i += lanes) {
    for (std::size_t l = 0; l < lanes; ++l) best[l] = logits[i + l] > best[l] ? logits[i + l] : best[l];
  }
  for (std::size_t i = whole; i < logits.size(); ++i) best[0] = logits[i] > best[0] ? logits[i] : best[0];
  float out = best[0];
  for (float b : best) out = b > out ? b : out;
  return out;
}

namespace {

// Chunk c of the row.
std::span<const float> chunk_of(std::span<const float> logits, std::size_t c) {
  const std::size_t first = c * chunk_logits;
  return logits.subspan(first, std::min(chunk_logits, logits.size() - first));
}

std::size_t chunk_count(std::span<const float> logits) { return (logits.size() + chunk_logits - 1) / chunk_logits; }

// The lowest index of `top` in the row, looked for in chunk `c` (the first chunk holding the row's
// max) first; 0 when absent (a row of NaNs).
std::size_t index_of(std::span<const float> logits, float top, std::size_t c) {
  const std::span<const float> chunk = chunk_of(logits, c);
  const auto at = std::find(chunk.begin(), chunk.end(), top);
  if (at != chunk.end()) return c * chunk_logits + static_cast<std::size_t>(at - chunk.begin());
  const auto anywhere = std::find(logits.begin(), logits.end(), top);  // that chunk was NaNs, -inf elsewhere
  return anywhere == logits.end() ? 0 : static_cast<std::size_t>(anywhere - logits.begin());
}

}  // namespace

std::size_t argmax_logit(std::span<const float> logits) {
  float top = -std::numeric_limits<float>::infinity();
  std::size_t best = 0;
  for (std::size_t c = 0; c < chunk_count(logits); ++c) {
    const float m = max_logit(chunk_of(logits, c));
    if (m > top) top = m, best = c;
  }
  return index_of(logits, top, best);
}

double row_summary::log_sum_exp() const {
  if (!std::isfinite(max)) return max;
  return static_cast<double>(max) + std::log(exp_sum);
}

row_summary summarize_row(std::span<const float> logits) {
  row_summary out;
  out.max = -std::numeric_limits<float>::infinity();
  std::vector<float> chunk_max(chunk_count(logits));
  std::vector<double> chunk_sum(chunk_max.size());
  std::size_t best = 0;
  for (std::size_t c = 0; c < chunk_max.size(); ++c) {
    const std::span<const float> chunk = chunk_of(logits, c);
    chunk_max[c] = max_logit(chunk);
    if (std::isfinite(chunk_max[c])) chunk_sum[c] = sum_of_exps(chunk, chunk_max[c], 1.0f, -std::numeric_limits<float>::infinity());
    if (chunk_max[c] > out.max) out.max = chunk_max[c], best = c;
  }
  out.argmax = index_of(logits, out.max, best);
  if (!std::isfinite(out.max)) return out;
  for (std::size_t c = 0; c < chunk_max.size(); ++c) {
    if (std::isfinite(chunk_max[c])) out.exp_sum += chunk_sum[c] * std::exp(static_cast<double>(chunk_max[c]) - out.max);
  }
  return out;
}

INFERGRID_ROW_PASS double sum_of_exps(std::span<const float> logits, float shift, float scale, float floor) {
  // Each term in float (as exp_of gives it), the sums in double: the total is the sum of the terms
  // a walk over the candidates adds up one by one, to the last bits of a double.
  double sums[lanes] = {};
  const std::size_t whole = logits.size() / lanes * lanes;
  for (std::size_t i = 0; i < whole; i += lanes) {
    for (std::size_t l = 0; l < lanes; ++l) {
      const float v = logits[i + l];
      const float term = exp_term((v - shift) * scale);
      sums[l] += v >= floor ? term : 0.0f;  // a select, so NaN logits add nothing
    }
  }
  for (std::size_t i = whole; i < logits.size(); ++i) {
    const float term = exp_term((logits[i] - shift) * scale);
    sums[0] += logits[i] >= floor ? term : 0.0f;
  }
  double out = 0;
  for (const double s : sums) out += s;
  return out;
}

INFERGRID_ROW_PASS void weigh_into_buckets(std::span<const float> logits, float top, float scale, float floor, std::span<float> weights,
                        std::span<std::uint16_t> buckets) {
  constexpr float deepest = static_cast<float>(depth_buckets - 1);
  for (std::size_t i = 0; i < logits.size(); ++i) {
    const float v = logits[i];
    const bool held = v >= floor;
    const float term = exp_term((v - top) * scale);
    weights[i] = held ? term : 0.0f;
    const float depth = std::min((top - v) * scale * static_cast<float>(depth_buckets_per_unit), deepest);
    buckets[i] = static_cast<std::uint16_t>(held ? std::max(depth, 0.0f) : deepest);
  }
}

INFERGRID_ROW_PASS std::size_t count_at_least(std::span<const float> logits, float floor) {
  std::size_t count = 0;
  for (const float v : logits) count += v >= floor ? 1 : 0;
  return count;
}

}  // namespace infergrid::model

#pragma once
// embedding_vector: the arithmetic an embedding answer needs wherever it is made or checked — its
// length, the same direction at unit length (how the API answers it, as OpenAI and llama-server do)
// and the cosine of two (how a validator compares the miner's with its own). Sums in double.
#include <cmath>
#include <cstddef>
#include <span>

namespace infergrid::model {

inline double vector_length(std::span<const float> v) {
  double squares = 0;
  for (float x : v) squares += double{x} * x;
  return std::sqrt(squares);
}

// `v` scaled to length 1 (left as it is when all zeros).
inline void scale_to_unit_length(std::span<float> v) {
  const double length = vector_length(v);
  if (length == 0) return;
  for (float& x : v) x = static_cast<float>(x / length);
}

// Cosine of two vectors of the same length (0 when either is all zeros).
inline double cosine_similarity(std::span<const float> a, std::span<const float> b) {
  double dot = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) dot += double{a[i]} * b[i];
  const double lengths = vector_length(a) * vector_length(b);
  return lengths > 0 ? dot / lengths : 0.0;
}

}  // namespace infergrid::model

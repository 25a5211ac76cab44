#pragma once
// plain_token_buckets: each plain string token of a vocabulary (schema_token_mask.hpp: whole
// characters inside a JSON string, no closing quote) summarised as the set of "buckets" its
// characters fall in: one bucket per ASCII code point and bucket_count - 128 ranges of the other
// code points the vocabulary holds, cut so each holds about as many token characters. A pattern
// state that sends every character of a bucket the same way (back to itself, or nowhere) decides
// most tokens by a few word operations on their sets (pattern_bucket_mask.hpp); the token's
// characters, kept in order, decide the rest exactly.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "kernels/model/code_point_range.hpp"
#include "kernels/model/vocabulary.hpp"

namespace infergrid::model {

class plain_token_buckets {
 public:
  static constexpr std::size_t ascii_buckets = 128;
  static constexpr std::size_t bucket_count = 192;
  using bucket_set = std::array<std::uint64_t, bucket_count / 64>;

  plain_token_buckets() = default;
  // (token, its characters in order) for each plain token.
  explicit plain_token_buckets(const std::vector<std::pair<token_id, std::vector<std::uint32_t>>>& tokens);

  std::size_t size() const { return tokens_.size(); }
  token_id token(std::size_t i) const { return tokens_[i]; }
  const bucket_set& buckets(std::size_t i) const { return sets_[i]; }
  std::uint8_t first_bucket(std::size_t i) const { return first_[i]; }
  std::size_t count(std::size_t i) const { return offsets_[i + 1] - offsets_[i]; }  // characters
  static bool has(const bucket_set& set, std::size_t bucket) { return (set[bucket / 64] >> (bucket % 64) & 1u) != 0; }
  std::span<const std::uint32_t> characters(std::size_t i) const {
    return std::span(characters_).subspan(offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  // The code points a bucket stands for (the first and last the vocabulary holds in it); a bucket
  // that holds none is empty (first > last).
  code_point_range range(std::size_t bucket) const { return ranges_[bucket]; }
  // Plain tokens whose first character is in `bucket`.
  std::size_t first_count(std::size_t bucket) const { return first_counts_[bucket]; }

 private:
  std::array<code_point_range, bucket_count> ranges_{};
  std::array<std::size_t, bucket_count> first_counts_{};
  std::vector<token_id> tokens_;
  std::vector<bucket_set> sets_;
  std::vector<std::uint8_t> first_;
  std::vector<std::uint32_t> characters_;
  std::vector<std::size_t> offsets_ = {0};  // token i's characters: characters_[offsets_[i]..offsets_[i+1])
};

}  // namespace infergrid::model

#include "kernels/model/plain_token_buckets.hpp"

#include <algorithm>
#include <cstddef>
#include <map>

namespace infergrid::model {

plain_token_buckets::plain_token_buckets(const std::vector<std::pair<token_id, std::vector<std::uint32_t>>>& tokens) {
  for (std::size_t b = 0; b < bucket_count; ++b) ranges_[b] = {1, 0};  // empty until something falls in
  for (std::uint32_t c = 0; c < ascii_buckets; ++c) ranges_[c] = {c, c};
  // The other code points, cut into ranges holding about as many token characters each.
  std::map<std::uint32_t, std::size_t> wide;  // code point -> characters of tokens
  std::size_t wide_total = 0;
  for (const auto& [token, characters] : tokens) {
    for (const std::uint32_t c : characters) {
      if (c >= ascii_buckets) ++wide[c], ++wide_total;
    }
  }
  constexpr std::size_t wide_buckets = bucket_count - ascii_buckets;
  std::size_t bucket = ascii_buckets, seen = 0;
  for (const auto& [code_point, count] : wide) {
    code_point_range& r = ranges_[bucket];
    if (r.first > r.last) r.first = code_point;
    r.last = code_point;
    seen += count;
    if (bucket + 1 < bucket_count && seen * wide_buckets >= (bucket - ascii_buckets + 1) * wide_total) ++bucket;
  }
  // A code point's bucket: its own below 128, else the last non-empty wide bucket starting at or
  // before it (every wide code point of the vocabulary lies in one; the non-empty ones come first).
  const auto wide_begin = ranges_.begin() + ascii_buckets;
  const std::size_t wide_used = bucket + (ranges_[bucket].first <= ranges_[bucket].last ? 1 : 0);
  const auto wide_end = ranges_.begin() + static_cast<std::ptrdiff_t>(wide_used);
  const auto bucket_of = [&](std::uint32_t code_point) -> std::size_t {
    if (code_point < ascii_buckets) return code_point;
    const auto after = std::upper_bound(wide_begin, wide_end, code_point,
                                        [](std::uint32_t c, const code_point_range& r) { return c < r.first; });
    return after == wide_begin ? ascii_buckets : static_cast<std::size_t>(after - ranges_.begin()) - 1;
  };
  tokens_.reserve(tokens.size());
  for (const auto& [token, characters] : tokens) {
    bucket_set set{};
    for (const std::uint32_t c : characters) {
      const std::size_t b = bucket_of(c);
      set[b / 64] |= std::uint64_t{1} << (b % 64);
    }
    const std::size_t first = characters.empty() ? 0 : bucket_of(characters.front());
    ++first_counts_[first];
    tokens_.push_back(token);
    sets_.push_back(set);
    first_.push_back(static_cast<std::uint8_t>(first));
    characters_.insert(characters_.end(), characters.begin(), characters.end());
    offsets_.push_back(characters_.size());
  }
}

}  // namespace infergrid::model

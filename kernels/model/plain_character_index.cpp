#include "kernels/model/plain_character_index.hpp"

#include <algorithm>

namespace infergrid::model {

plain_character_index::plain_character_index(std::vector<std::pair<token_id, std::vector<std::uint32_t>>> tokens) {
  std::vector<std::pair<std::uint32_t, token_id>> entries;
  for (auto& [token, characters] : tokens) {
    std::sort(characters.begin(), characters.end());
    characters.erase(std::unique(characters.begin(), characters.end()), characters.end());
    for (const std::uint32_t c : characters) entries.emplace_back(c, token);
  }
  std::sort(entries.begin(), entries.end());
  offsets_.clear();
  tokens_.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i == 0 || entries[i].first != entries[i - 1].first) {
      characters_.push_back(entries[i].first);
      offsets_.push_back(i);
    }
    tokens_.push_back(entries[i].second);
  }
  offsets_.push_back(entries.size());
}

std::pair<std::size_t, std::size_t> plain_character_index::bounds(code_point_range range) const {
  const auto begin = std::lower_bound(characters_.begin(), characters_.end(), range.first);
  const auto end = std::upper_bound(begin, characters_.end(), range.last);
  return {static_cast<std::size_t>(begin - characters_.begin()), static_cast<std::size_t>(end - characters_.begin())};
}

std::size_t plain_character_index::count_within(code_point_range range) const {
  const auto [begin, end] = bounds(range);
  return offsets_[end] - offsets_[begin];
}

}  // namespace infergrid::model

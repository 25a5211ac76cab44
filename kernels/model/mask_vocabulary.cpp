#include "kernels/model/mask_vocabulary.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace infergrid::model {

mask_vocabulary::mask_vocabulary(const tokenizer& vocab) : pieces_(vocab.vocab_size()), end_(vocab.vocab_size()) {
  for (std::size_t id = 0; id < pieces_.size(); ++id) {
    const auto token = static_cast<token_id>(id);
    end_[id] = vocab.is_end_of_generation(token);
    if (end_[id]) end_ids_.push_back(token);
    if (vocab.is_control(token) || end_[id] || token == vocab.unknown_id()) continue;
    pieces_[id] = vocab.token_to_piece(token);
  }
}

void mask_vocabulary::mask_all_but_end(std::span<float> logits) const {
  for (std::size_t id = 0; id < logits.size(); ++id) {
    if (id >= end_.size() || !end_[id]) logits[id] = -INFINITY;
  }
}

void mask_vocabulary::mask_end(std::span<float> logits) const {
  for (const token_id end : end_ids_) {
    if (static_cast<std::size_t>(end) < logits.size()) logits[static_cast<std::size_t>(end)] = -INFINITY;
  }
}

bool mask_vocabulary::mask_refused(std::span<float> logits, std::vector<std::uint8_t>& allowed) const {
  const std::size_t n = std::min(logits.size(), allowed.size());
  for (const token_id end : end_ids_) allowed[static_cast<std::size_t>(end)] = 0;
  std::uint8_t any = 0;
  for (std::size_t id = 0; id < n; ++id) any |= allowed[id];
  for (const token_id end : end_ids_) allowed[static_cast<std::size_t>(end)] = 1;
  // A select on the bits rather than a branch: which tokens stay is as good as random to a predictor.
  constexpr auto refused = std::bit_cast<std::uint32_t>(-INFINITY);
  for (std::size_t id = 0; id < n; ++id) {
    const std::uint32_t keep = 0u - static_cast<std::uint32_t>(allowed[id] != 0);  // all ones: allowed
    logits[id] = std::bit_cast<float>((std::bit_cast<std::uint32_t>(logits[id]) & keep) | (refused & ~keep));
  }
  for (std::size_t id = n; id < logits.size(); ++id) logits[id] = -INFINITY;
  return any != 0;
}

}  // namespace infergrid::model

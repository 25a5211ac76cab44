#include "kernels/model/mask_vocabulary.hpp"

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

}  // namespace infergrid::model

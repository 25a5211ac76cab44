#include "kernels/model/json_token_mask.hpp"

#include <array>
#include <cmath>

namespace infergrid::model {

json_token_mask::json_token_mask(const tokenizer& vocab) : end_ids_(vocab.end_of_generation_ids().begin(), vocab.end_of_generation_ids().end()) {
  pieces_.resize(vocab.vocab_size());
  for (std::size_t id = 0; id < pieces_.size(); ++id) {
    const auto token = static_cast<token_id>(id);
    if (vocab.is_control(token) || vocab.is_end_of_generation(token) || token == vocab.unknown_id()) continue;
    pieces_[id] = vocab.token_to_piece(token);
  }
  plain_.resize(pieces_.size());
  json_prefix in_string;
  (void)in_string.feed(std::string_view("{\"k\":\""));
  for (std::size_t id = 0; id < pieces_.size(); ++id) {
    const std::string& piece = pieces_[id];
    if (piece.empty() || piece.find_first_of("\"\\") != std::string::npos) continue;
    json_prefix after = in_string;
    plain_[id] = after.feed(piece) && after.in_plain_string();
  }
}

bool json_token_mask::state_after(std::span<const token_id> generated, json_prefix& out) const {
  out = json_prefix{};
  for (const token_id token : generated) {
    if (token < 0 || static_cast<std::size_t>(token) >= pieces_.size()) return false;
    if (!out.feed(pieces_[static_cast<std::size_t>(token)])) return false;
  }
  return true;
}

void json_token_mask::apply(std::span<const token_id> generated, std::span<float> logits) const {
  json_prefix state;
  if (state_after(generated, state)) return apply(state, logits);
  std::vector<float> end_logits;
  for (const token_id end : end_ids_) end_logits.push_back(end >= 0 && static_cast<std::size_t>(end) < logits.size() ? logits[static_cast<std::size_t>(end)] : -INFINITY);
  for (float& logit : logits) logit = -INFINITY;
  for (std::size_t i = 0; i < end_ids_.size(); ++i) {
    if (end_ids_[i] >= 0 && static_cast<std::size_t>(end_ids_[i]) < logits.size()) logits[static_cast<std::size_t>(end_ids_[i])] = end_logits[i];
  }
}

void json_token_mask::apply(const json_prefix& state, std::span<float> logits) const {
  std::vector<float> end_logits;
  for (const token_id end : end_ids_) {
    end_logits.push_back(end >= 0 && static_cast<std::size_t>(end) < logits.size() ? logits[static_cast<std::size_t>(end)] : -INFINITY);
  }
  const std::size_t n = std::min(logits.size(), pieces_.size());
  std::array<bool, 256> first_ok{};
  for (std::size_t b = 0; b < first_ok.size(); ++b) {
    json_prefix next = state;
    first_ok[b] = next.feed(static_cast<unsigned char>(b));
  }
  const bool plain_string = state.in_plain_string();
  bool any = false;
  for (std::size_t id = 0; id < n; ++id) {
    const std::string& piece = pieces_[id];
    bool allowed = false;
    if (plain_string && plain_[id]) {
      allowed = true;
    } else if (!piece.empty() && first_ok[static_cast<unsigned char>(piece[0])]) {
      json_prefix next = state;
      allowed = next.feed(piece);
    }
    any = any || allowed;
    if (!allowed) logits[id] = -INFINITY;
  }
  for (std::size_t id = n; id < logits.size(); ++id) logits[id] = -INFINITY;
  // Complete (or, defensively, no token can continue): the end-of-generation tokens keep their logits.
  if (!state.complete() && any) return;
  for (std::size_t i = 0; i < end_ids_.size(); ++i) {
    const token_id end = end_ids_[i];
    if (end >= 0 && static_cast<std::size_t>(end) < logits.size()) logits[static_cast<std::size_t>(end)] = end_logits[i];
  }
}

}  // namespace infergrid::model

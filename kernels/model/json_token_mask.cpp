#include "kernels/model/json_token_mask.hpp"

#include <cmath>

namespace infergrid::model {

json_token_mask::json_token_mask(const tokenizer& vocab) : tokens_(vocab) {
  plain_.resize(tokens_.size());
  json_prefix in_string;
  (void)in_string.feed(std::string_view("{\"k\":\""));
  for (std::size_t id = 0; id < tokens_.size(); ++id) {
    const std::string& piece = tokens_.piece(id);
    if (piece.empty() || piece.find_first_of("\"\\") != std::string::npos) continue;
    json_prefix after = in_string;
    plain_[id] = after.feed(piece) && after.in_plain_string();
  }
  std::vector<std::pair<std::string, token_id>> all, unplain;
  for (std::size_t id = 0; id < tokens_.size(); ++id) {
    if (tokens_.piece(id).empty()) continue;
    all.emplace_back(tokens_.piece(id), static_cast<token_id>(id));
    if (!plain_[id]) unplain.emplace_back(tokens_.piece(id), static_cast<token_id>(id));
  }
  all_ = token_trie(std::move(all));
  unplain_ = token_trie(std::move(unplain));
}

bool json_token_mask::state_after(std::span<const token_id> generated, json_prefix& out) const {
  out = json_prefix{};
  for (const token_id token : generated) {
    if (token < 0 || static_cast<std::size_t>(token) >= tokens_.size()) return false;
    if (!out.feed(tokens_.piece(static_cast<std::size_t>(token)))) return false;
  }
  return true;
}

void json_token_mask::apply(std::span<const token_id> generated, std::span<float> logits) const {
  json_prefix state;
  if (state_after(generated, state)) return apply(state, logits);
  tokens_.mask_all_but_end(logits);
}

void json_token_mask::apply(const json_prefix& state, std::span<float> logits) const {
  if (state.complete()) return tokens_.mask_all_but_end(logits);
  const std::size_t n = std::min(logits.size(), tokens_.size());
  std::vector<std::uint8_t> allowed(tokens_.size(), 0);
  std::vector<json_prefix> per_depth;
  const auto allow = [&](token_id token, const json_prefix&) { allowed[static_cast<std::size_t>(token)] = 1; };
  if (state.in_plain_string()) {
    for (std::size_t id = 0; id < n; ++id) allowed[id] = plain_[id] ? 1 : 0;
    unplain_.walk(state, per_depth, allow);
  } else {
    all_.walk(state, per_depth, allow);
  }
  const bool any = tokens_.mask_refused(logits, allowed);
  // The object is incomplete: end-of-generation tokens are ruled out too — unless, defensively,
  // no token can continue, when they keep their logits.
  if (any) tokens_.mask_end(logits);
}

}  // namespace infergrid::model

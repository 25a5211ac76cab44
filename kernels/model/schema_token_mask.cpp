#include "kernels/model/schema_token_mask.hpp"

#include <algorithm>
#include <cmath>

namespace infergrid::model {
namespace {

struct string_split {
  std::uint16_t plain_chars = 0;  // whole characters at the start, fed from a character boundary
  std::size_t rest = 0;           // where the bytes after them begin (size: the token is plain)
};

// How much of `piece`, fed inside a string at a character boundary, is whole characters that leave
// the string open.
string_split split_plain(const std::string& piece) {
  json_string_reader reader;
  string_split split;
  for (std::size_t i = 0; i < piece.size(); ++i) {
    const auto step = reader.feed(static_cast<unsigned char>(piece[i]));
    if (step == json_string_reader::step::refused || step == json_string_reader::step::closed) break;
    if (step == json_string_reader::step::character) {  // a character ends: at a boundary again
      split.rest = i + 1;
      if (split.plain_chars < UINT16_MAX) ++split.plain_chars;
    }
  }
  return split;
}

}  // namespace

schema_token_mask::schema_token_mask(const tokenizer& vocab) : tokens_(vocab), plain_chars_(tokens_.size()) {
  std::vector<std::pair<std::string, token_id>> all, unplain, unplain_rest;
  for (std::size_t id = 0; id < tokens_.size(); ++id) {
    const auto token = static_cast<token_id>(id);
    const std::string& piece = tokens_.piece(id);
    if (piece.empty()) continue;
    all.emplace_back(piece, token);
    const string_split split = split_plain(piece);
    if (split.rest == piece.size()) {
      plain_chars_[id] = split.plain_chars;
      continue;
    }
    unplain.emplace_back(piece, token);
    unplain_rest.emplace_back(piece.substr(split.rest), token);
  }
  all_ = token_trie(std::move(all));
  unplain_ = token_trie(std::move(unplain));
  unplain_rest_ = token_trie(std::move(unplain_rest));
}

bool schema_token_mask::advance(json_schema_prefix& state, token_id token) const {
  const bool known = token >= 0 && static_cast<std::size_t>(token) < tokens_.size();
  if (known && !tokens_.piece(static_cast<std::size_t>(token)).empty() && state.feed(tokens_.piece(static_cast<std::size_t>(token)))) {
    return true;
  }
  state.clear();
  return false;
}

void schema_token_mask::apply(const json_schema_prefix& state, std::span<float> logits, scratch& buffers) const {
  if (!state.alive()) return tokens_.mask_all_but_end(logits);
  const std::size_t n = std::min(logits.size(), tokens_.size());
  std::vector<std::uint8_t>& allowed = buffers.allowed;
  allowed.assign(tokens_.size(), 0);
  const auto allow = [&](token_id token, const json_schema_prefix&) { allowed[static_cast<std::size_t>(token)] = 1; };
  if (const auto plain = state.in_plain_string()) {
    for (std::size_t id = 0; id < n; ++id) allowed[id] = plain_chars_[id] != 0 && plain_chars_[id] <= plain->room;
    // Feeding the plain leading characters leaves a length-free string as it was.
    (plain->length_free ? unplain_rest_ : unplain_).walk(state, buffers.per_depth, allow);
  } else {
    all_.walk(state, buffers.per_depth, allow);
  }
  bool any = false;
  for (std::size_t id = 0; id < n; ++id) {
    if (tokens_.is_end(id)) continue;  // decided below
    if (allowed[id] != 0) any = true;
    else logits[id] = -INFINITY;
  }
  for (std::size_t id = n; id < logits.size(); ++id) logits[id] = -INFINITY;
  // End tokens stay when the document is complete, or (defensively) when nothing else can follow.
  if (!state.complete() && any) tokens_.mask_end(logits);
}

}  // namespace infergrid::model

#pragma once
// mask_vocabulary: what every constrained-decoding mask (json_token_mask, schema_token_mask) needs
// of a vocabulary: each token's bytes (empty for control, unknown and end-of-generation tokens,
// which no recogniser is fed) and the end-of-generation tokens, masked in one place.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kernels/model/tokenizer.hpp"

namespace infergrid::model {

class mask_vocabulary {
 public:
  explicit mask_vocabulary(const tokenizer& vocab);

  std::size_t size() const { return pieces_.size(); }
  const std::string& piece(std::size_t id) const { return pieces_[id]; }
  bool is_end(std::size_t id) const { return end_[id]; }
  // Every token but the end-of-generation ones is ruled out; those keep their logits.
  void mask_all_but_end(std::span<float> logits) const;
  // The end-of-generation tokens are ruled out.
  void mask_end(std::span<float> logits) const;
  // Every token `allowed` does not name (allowed[id] == 0; ids past it too) is ruled out, but the
  // end-of-generation tokens, which keep their logits; `allowed` is left with them marked. Returns
  // whether some other token is allowed. Branch-free over the vocabulary: a mask that allows tokens
  // here and there costs what one that allows all does.
  bool mask_refused(std::span<float> logits, std::vector<std::uint8_t>& allowed) const;

 private:
  std::vector<std::string> pieces_;
  std::vector<bool> end_;          // end-of-generation tokens, by id
  std::vector<token_id> end_ids_;  // the same, listed
};

}  // namespace infergrid::model

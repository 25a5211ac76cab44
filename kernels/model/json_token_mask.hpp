#pragma once
// json_token_mask: constrained decoding for response_format json_object. Given the tokens
// generated so far, it rules out (logit -inf) every token whose bytes cannot continue them into one
// JSON object (json_prefix.hpp), and every end-of-generation token until the object is complete;
// once it is, only end-of-generation tokens remain. The mask is a function of the generated tokens
// alone, so a resumed job (failover) and a validator's replay compute the same one.
// Cost per step: a walk of the vocabulary's byte trie (token_trie.hpp) that skips every subtree
// the state refuses; inside strings the tokens that are plain text (most of a vocabulary) are
// allowed without feeding, and only the others are walked.
#include <span>
#include <string>
#include <vector>

#include "kernels/model/json_prefix.hpp"
#include "kernels/model/mask_vocabulary.hpp"
#include "kernels/model/token_trie.hpp"
#include "kernels/model/tokenizer.hpp"

namespace infergrid::model {

class json_token_mask {
 public:
  explicit json_token_mask(const tokenizer& vocab);

  // The recogniser after `generated` (false: they are not a JSON prefix, e.g. a miner's forgery).
  bool state_after(std::span<const token_id> generated, json_prefix& out) const;
  // Sets the logits of the tokens that cannot follow `state` to -inf (at least one token stays).
  void apply(const json_prefix& state, std::span<float> logits) const;
  // The same after `generated`; tokens that are no JSON prefix at all leave only the end tokens.
  void apply(std::span<const token_id> generated, std::span<float> logits) const;

 private:
  mask_vocabulary tokens_;
  std::vector<bool> plain_;  // leaves a plain string state as it is (json_prefix::in_plain_string)
  token_trie all_;           // every token with bytes
  token_trie unplain_;       // the tokens that are not plain
};

}  // namespace infergrid::model

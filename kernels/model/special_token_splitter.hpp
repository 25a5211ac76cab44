#pragma once
// special_token_splitter: finds the text of special tokens (control and user-defined: <|im_start|>,
// <|eot_id|>, <think>, ...) in a prompt before a model encodes the rest, as llama.cpp does with
// parse_special and Hugging Face tokenizers do with added tokens. At each position the longest
// special text that matches wins; the text between matches is left for the model.
#include <array>
#include <functional>
#include <string_view>
#include <vector>

#include "kernels/model/vocabulary.hpp"

namespace infergrid::model {

class special_token_splitter {
 public:
  special_token_splitter() = default;
  explicit special_token_splitter(const vocabulary& vocab);

  // Calls on_text for each run of ordinary text and on_token for each special token, in order.
  void split(const vocabulary& vocab, std::string_view text, const std::function<void(std::string_view)>& on_text,
             const std::function<void(token_id)>& on_token) const;
  bool empty() const { return count_ == 0; }

 private:
  // Candidates by first byte, longest text first.
  std::array<std::vector<token_id>, 256> by_first_byte_;
  std::size_t count_ = 0;
};

}  // namespace infergrid::model

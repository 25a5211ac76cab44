#pragma once
// tokenizer_model: what differs between tokenizer.ggml.model kinds (SentencePiece "llama", byte-level
// BPE "gpt2"): how plain text becomes ids and how one id becomes bytes. The shared token table
// (vocabulary) is passed in; special-token splitting, BOS and the end-of-generation set live in
// tokenizer, above every model.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/model/gguf_file.hpp"
#include "kernels/model/vocabulary.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

class tokenizer_model {
 public:
  virtual ~tokenizer_model() = default;
  // Appends the ids of `text` (no special-token text in it, valid UTF-8 for models that need it).
  virtual void encode(const vocabulary& vocab, std::string_view text, std::vector<token_id>& out) const = 0;
  // The bytes one token stands for; empty for control, unknown-type and unused tokens.
  virtual std::string piece(const vocabulary& vocab, token_id id) const = 0;
  // Whether special-token text in the input (<|im_start|>, ...) becomes its token before encoding.
  virtual bool parses_special_tokens() const = 0;
  // SentencePiece's leading space: added when encoding, stripped from the first decoded piece.
  virtual bool add_space_prefix() const = 0;
};

struct loaded_tokenizer_model {
  vocabulary vocab;
  std::unique_ptr<tokenizer_model> model;
};

// One loader per tokenizer.ggml.model value (spm_model.cpp, bpe_model.cpp).
result<loaded_tokenizer_model> load_spm_model(const gguf_file& file);
result<loaded_tokenizer_model> load_bpe_model(const gguf_file& file);

}  // namespace infergrid::model

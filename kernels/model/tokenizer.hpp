#pragma once
// tokenizer: text <-> token ids for a GGUF's vocabulary. The model kind is chosen by a table on
// `tokenizer.ggml.model` (tokenizer.cpp): "llama" is SentencePiece-BPE (spm_model.cpp), "gpt2" is
// byte-level BPE with the pre-tokenizer `tokenizer.ggml.pre` names (bpe_model.cpp, pre_tokenizer.cpp);
// any other value is an error listing the supported ones.
//
// Encoding: BOS first when add_bos() (tokenizer.ggml.add_bos_token, else the model's default: true for
// SentencePiece and Llama 3, false for Qwen2). Byte-level BPE models turn the text of control and
// user-defined tokens (<|im_start|>, <|eot_id|>, <think>, ...) into those tokens before encoding the
// text around them; SentencePiece does not parse special-token text ("<s>" is plain characters). As in
// llama.cpp and Hugging Face, a text that starts with the BOS token's text gets a second BOS: chat
// prompts are rendered without it (chat_template.hpp, render_options::write_bos).
//
// Decoding: each token's bytes (control tokens are empty), concatenated; SentencePiece strips the
// leading space of the first piece of text, as its decoder does. Byte-level decoding is exact: the
// ids of a text decode to that text.
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/model/gguf_file.hpp"
#include "kernels/model/special_token_splitter.hpp"
#include "kernels/model/tokenizer_model.hpp"
#include "kernels/model/vocabulary.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

class tokenizer {
 public:
  static result<tokenizer> from_gguf(const gguf_file& file);
  // The supported tokenizer.ggml.model values, comma-separated.
  static std::string supported_models();

  // Token ids of `text` (BOS first when add_bos()).
  std::vector<token_id> encode(std::string_view text) const { return encode(text, vocab_.add_bos); }
  std::vector<token_id> encode(std::string_view text, bool add_bos) const;
  // The text of a token sequence. With render_special, control tokens are their text (<|im_end|>)
  // instead of nothing, so that text -> ids -> text is exact for prompts that contain them.
  std::string decode(std::span<const token_id> tokens, bool render_special = false) const;
  // The bytes one token stands for (no leading-space stripping); empty for out-of-range ids and, unless
  // render_special, for control tokens.
  std::string token_to_piece(token_id token, bool render_special = false) const;

  const std::string& model_name() const { return model_name_; }  // tokenizer.ggml.model
  std::size_t vocab_size() const { return vocab_.size(); }
  const std::string& token_text(token_id token) const { return vocab_.text(token); }
  // The id of a token's exact text (e.g. "<|im_end|>"), or no_token.
  token_id find_token(std::string_view text) const { return vocab_.find(text); }
  token_id bos_id() const { return vocab_.bos; }
  token_id eos_id() const { return vocab_.eos; }
  token_id eot_id() const { return vocab_.eot; }
  token_id eom_id() const { return vocab_.eom; }
  token_id unknown_id() const { return vocab_.unknown; }
  bool add_bos() const { return vocab_.add_bos; }
  bool add_space_prefix() const { return model_->add_space_prefix(); }
  // Generation stops at any of these (see vocabulary.hpp for how the set is formed).
  bool is_end_of_generation(token_id token) const { return vocab_.is_end_of_generation(token); }
  std::span<const token_id> end_of_generation_ids() const { return vocab_.end_of_generation; }
  bool is_control(token_id token) const {
    return vocab_.contains(token) && vocab_.type(token) == spm_token_type::control;
  }

 private:
  tokenizer() = default;

  std::string model_name_;
  vocabulary vocab_;
  std::unique_ptr<const tokenizer_model> model_;
  special_token_splitter specials_;
};

// Streams text token by token: holds back an incomplete UTF-8 sequence (e.g. the first of several byte
// tokens of an emoji) until the rest arrives. At the start of a text it strips the leading space like
// tokenizer::decode; a stream that continues a prompt keeps it ("Lily" + " was").
class text_stream {
 public:
  explicit text_stream(const tokenizer& vocab, bool at_text_start = true, bool render_special = false)
      : vocab_(&vocab), strip_space_(at_text_start && vocab.add_space_prefix()), render_special_(render_special) {}
  // Text that is complete after `token` (possibly empty).
  std::string push(token_id token);
  // Whatever is still held back (an incomplete sequence at the end of generation).
  std::string finish();

 private:
  const tokenizer* vocab_;
  std::string pending_;
  bool strip_space_;
  bool render_special_;
};

}  // namespace infergrid::model

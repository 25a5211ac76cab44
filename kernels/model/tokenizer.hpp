#pragma once
// tokenizer: SentencePiece-BPE as llama.cpp's llm_tokenizer_spm does it for
// `tokenizer.ggml.model = "llama"`: a space is prepended (tokenizer.ggml.add_space_prefix, default
// true), spaces become U+2581, the text is split into UTF-8 characters, and adjacent pieces are merged
// best-score-first (ties: leftmost) while the merged piece is in the vocabulary; a character that is not
// in the vocabulary falls back to its <0xNN> byte tokens. BOS is prepended per
// tokenizer.ggml.add_bos_token (default true). Special-token text in the input is not parsed: "<s>"
// is tokenized as plain characters.
//
// Detokenization turns U+2581 back into spaces, byte tokens into their byte (so UTF-8 split over byte
// tokens reassembles), control tokens into nothing, and strips the leading space of the first piece of
// text (at the start or right after BOS), as SentencePiece's decoder does.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kernels/model/gguf_file.hpp"
#include "kernels/model/spm_vocab_builder.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

using token_id = std::int32_t;

class tokenizer {
 public:
  static result<tokenizer> from_gguf(const gguf_file& file);

  // Token ids of `text` (BOS first when add_bos()).
  std::vector<token_id> encode(std::string_view text) const { return encode(text, add_bos_); }
  std::vector<token_id> encode(std::string_view text, bool add_bos) const;
  // The text of a token sequence.
  std::string decode(std::span<const token_id> tokens) const;
  // The bytes one token stands for (no leading-space stripping); empty for control tokens and
  // out-of-range ids.
  std::string token_to_piece(token_id token) const;

  std::size_t vocab_size() const { return tokens_.size(); }
  const std::string& token_text(token_id token) const { return tokens_[static_cast<std::size_t>(token)]; }
  token_id bos_id() const { return bos_id_; }
  token_id eos_id() const { return eos_id_; }
  token_id unknown_id() const { return unknown_id_; }
  bool add_bos() const { return add_bos_; }
  bool add_space_prefix() const { return add_space_prefix_; }
  // Generation stops at EOS.
  bool is_end_of_generation(token_id token) const { return token == eos_id_; }
  bool is_control(token_id token) const;

 private:
  tokenizer() = default;
  token_id find(std::string_view piece) const;  // -1 when absent
  void append_segment(std::string_view piece, std::vector<token_id>& out) const;

  std::vector<std::string> tokens_;
  std::vector<float> scores_;
  std::vector<spm_token_type> types_;
  // Transparent hashing: pieces are looked up as string_views into the text, without allocating.
  struct piece_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view piece) const { return std::hash<std::string_view>{}(piece); }
  };
  std::unordered_map<std::string, token_id, piece_hash, std::equal_to<>> ids_;
  std::array<token_id, 256> byte_tokens_{};
  token_id bos_id_ = 1;
  token_id eos_id_ = 2;
  token_id unknown_id_ = 0;
  bool add_bos_ = true;
  bool add_space_prefix_ = true;
};

// Streams text token by token: holds back an incomplete UTF-8 sequence (e.g. the first of several byte
// tokens of an emoji) until the rest arrives. At the start of a text it strips the leading space like
// tokenizer::decode; a stream that continues a prompt keeps it ("Lily" + " was").
class text_stream {
 public:
  explicit text_stream(const tokenizer& vocab, bool at_text_start = true)
      : vocab_(&vocab), strip_space_(at_text_start && vocab.add_space_prefix()) {}
  // Text that is complete after `token` (possibly empty).
  std::string push(token_id token);
  // Whatever is still held back (an incomplete sequence at the end of generation).
  std::string finish();

 private:
  const tokenizer* vocab_;
  std::string pending_;
  bool strip_space_;
};

}  // namespace infergrid::model

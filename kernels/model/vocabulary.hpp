#pragma once
// vocabulary: the token table every tokenizer model shares, read from a GGUF's tokenizer.ggml.* keys:
// token texts and types, the id of each text, and the special ids (BOS, EOS, EOT, EOM, unknown) with
// the end-of-generation set.
//
// End of generation, as llama.cpp decides it: the ids tokenizer.ggml.eos_token_id, eot_token_id and
// eom_token_id name, plus every control token whose text is a known end-of-turn marker (<|im_end|>,
// <|eot_id|>, <|eom_id|>, <|endoftext|>, <|end_of_text|>, <｜end▁of▁sentence｜>, <|end|>,
// <end_of_turn>), so an instruct model stops at the end of its turn even when its metadata names only
// one of them.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kernels/model/gguf_file.hpp"
#include "kernels/model/spm_vocab_builder.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

using token_id = std::int32_t;
inline constexpr token_id no_token = -1;

// What a tokenizer model assumes when a key is absent.
struct vocabulary_defaults {
  token_id bos = no_token;
  token_id eos = no_token;
  token_id unknown = no_token;
  bool add_bos = false;
};

struct vocabulary {
  std::vector<std::string> tokens;
  std::vector<spm_token_type> types;
  token_id bos = no_token;
  token_id eos = no_token;
  token_id eot = no_token;
  token_id eom = no_token;
  token_id unknown = no_token;
  bool add_bos = false;
  std::vector<token_id> end_of_generation;  // sorted, unique

  std::size_t size() const { return tokens.size(); }
  bool contains(token_id id) const { return id >= 0 && static_cast<std::size_t>(id) < tokens.size(); }
  spm_token_type type(token_id id) const { return types[static_cast<std::size_t>(id)]; }
  const std::string& text(token_id id) const { return tokens[static_cast<std::size_t>(id)]; }
  // The id of a token text; no_token when absent. Looks up string_views without allocating.
  token_id find(std::string_view text) const;
  bool is_end_of_generation(token_id id) const;

  struct text_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, token_id, text_hash, std::equal_to<>> ids;
};

// Reads tokens, token types, special ids and add_bos_token; `defaults` fill in absent keys. An id
// outside the vocabulary is a malformed-input error naming the key.
result<vocabulary> read_vocabulary(const gguf_file& file, const vocabulary_defaults& defaults);

// Reads an optional GGUF key of any getter's type.
template <class T>
result<T> optional_key(const gguf_file& file, std::string_view key, T fallback,
                       result<T> (gguf_file::*getter)(std::string_view) const) {
  if (!file.has(key)) return fallback;
  return (file.*getter)(key);
}

}  // namespace infergrid::model

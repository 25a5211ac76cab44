#include "kernels/model/vocabulary.hpp"

#include <algorithm>
#include <array>

namespace infergrid::model {
namespace {

// Texts of end-of-turn control tokens (llama.cpp's list), for vocabularies whose metadata names only EOS.
constexpr std::array<std::string_view, 8> end_of_turn_texts = {
    "<|im_end|>", "<|eot_id|>", "<|eom_id|>", "<|endoftext|>", "<|end_of_text|>",
    "<\xEF\xBD\x9C" "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>", "<|end|>", "<end_of_turn>"};

result<token_id> read_id(const gguf_file& file, std::string_view key, token_id fallback, std::size_t n) {
  if (!file.has(key)) return fallback;
  auto id = file.get_u32(key);
  if (!id) return id.err();
  if (*id >= n) {
    return make_error(error_code::malformed_input,
                      std::string(key) + " = " + std::to_string(*id) + " is outside the vocabulary of " +
                          std::to_string(n) + " tokens");
  }
  return static_cast<token_id>(*id);
}

void collect_end_of_generation(vocabulary& v) {
  for (token_id id : {v.eos, v.eot, v.eom}) {
    if (id != no_token) v.end_of_generation.push_back(id);
  }
  for (std::string_view text : end_of_turn_texts) {
    const token_id id = v.find(text);
    if (id != no_token && v.type(id) == spm_token_type::control) v.end_of_generation.push_back(id);
  }
  std::sort(v.end_of_generation.begin(), v.end_of_generation.end());
  v.end_of_generation.erase(std::unique(v.end_of_generation.begin(), v.end_of_generation.end()),
                            v.end_of_generation.end());
}

}  // namespace

token_id vocabulary::find(std::string_view text) const {
  const auto it = ids.find(text);
  return it == ids.end() ? no_token : it->second;
}

bool vocabulary::is_end_of_generation(token_id id) const {
  return std::binary_search(end_of_generation.begin(), end_of_generation.end(), id);
}

result<vocabulary> read_vocabulary(const gguf_file& file, const vocabulary_defaults& defaults) {
  vocabulary v;
  auto tokens = file.get_string_array("tokenizer.ggml.tokens");
  if (!tokens) return tokens.err();
  v.tokens = std::move(*tokens);
  const std::size_t n = v.tokens.size();
  if (n == 0) return make_error(error_code::malformed_input, "tokenizer.ggml.tokens is empty");
  auto types = optional_key(file, "tokenizer.ggml.token_type",
                            std::vector<std::int32_t>(n, static_cast<std::int32_t>(spm_token_type::normal)),
                            &gguf_file::get_i32_array);
  if (!types) return types.err();
  if (types->size() != n) {
    return make_error(error_code::malformed_input, "tokenizer.ggml.token_type does not match the token count");
  }
  v.types.reserve(n);
  for (std::int32_t type : *types) v.types.push_back(static_cast<spm_token_type>(type));
  v.ids.reserve(n);
  // A text listed twice keeps its first id, as llama.cpp's token_to_id does.
  for (std::size_t id = 0; id < n; ++id) v.ids.emplace(v.tokens[id], static_cast<token_id>(id));

  const auto fallback = [n](token_id id) { return static_cast<std::size_t>(id) < n ? id : no_token; };
  auto bos = read_id(file, "tokenizer.ggml.bos_token_id", fallback(defaults.bos), n);
  if (!bos) return bos.err();
  auto eos = read_id(file, "tokenizer.ggml.eos_token_id", fallback(defaults.eos), n);
  if (!eos) return eos.err();
  auto eot = read_id(file, "tokenizer.ggml.eot_token_id", no_token, n);
  if (!eot) return eot.err();
  auto eom = read_id(file, "tokenizer.ggml.eom_token_id", no_token, n);
  if (!eom) return eom.err();
  auto unknown = read_id(file, "tokenizer.ggml.unknown_token_id", fallback(defaults.unknown), n);
  if (!unknown) return unknown.err();
  v.bos = *bos;
  v.eos = *eos;
  v.eot = *eot;
  v.eom = *eom;
  v.unknown = *unknown;
  // The model's default applies only when there is a BOS to add; the key itself must name one.
  auto add_bos = optional_key(file, "tokenizer.ggml.add_bos_token", defaults.add_bos && v.bos != no_token,
                              &gguf_file::get_bool);
  if (!add_bos) return add_bos.err();
  v.add_bos = *add_bos;
  if (v.add_bos && v.bos == no_token) {
    return make_error(error_code::malformed_input, "tokenizer.ggml.add_bos_token is set but no BOS token id is known");
  }
  collect_end_of_generation(v);
  return v;
}

}  // namespace infergrid::model

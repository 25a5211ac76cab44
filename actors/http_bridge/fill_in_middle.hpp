#pragma once
// fill_in_middle: `/v1/completions` `suffix` for models whose vocabulary has fill-in-the-middle
// tokens. The prompt becomes prefix-suffix-middle (PSM, the order these models are trained on):
// FIM_PRE prompt FIM_SUF suffix FIM_MID, and the model writes the middle. The tokens are those
// GGUF metadata names (tokenizer.ggml.fim_pre/suf/mid_token_id, llama.cpp's keys), else the first
// family of the table below whose three texts the vocabulary holds. A model with neither cannot
// take a suffix (the route answers 400, param suffix).
#include <optional>
#include <string>
#include <vector>

namespace infergrid::http {

struct fim_tokens {
  std::string prefix;  // e.g. <|fim_prefix|>
  std::string suffix;  // <|fim_suffix|>
  std::string middle;  // <|fim_middle|>
};

// `tokens` is tokenizer.ggml.tokens; ids are the metadata's (-1 when absent).
std::optional<fim_tokens> detect_fim(const std::vector<std::string>& tokens, long long prefix_id, long long suffix_id,
                                     long long middle_id);

std::string fim_prompt(const fim_tokens& fim, const std::string& prefix, const std::string& suffix);

}  // namespace infergrid::http

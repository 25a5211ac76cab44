#include "actors/http_bridge/fill_in_middle.hpp"

#include <algorithm>
#include <array>

namespace infergrid::http {
namespace {

// Known FIM token texts by family, tried in order when the metadata names none.
const std::array<fim_tokens, 4> known_families = {{
    {"<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"},  // Qwen2.5(-Coder), Qwen3
    {"<fim_prefix>", "<fim_suffix>", "<fim_middle>"},        // StarCoder, Granite
    {"<\xEF\xBD\x9C" "fim\xE2\x96\x81" "begin\xEF\xBD\x9C>", "<\xEF\xBD\x9C" "fim\xE2\x96\x81" "hole\xEF\xBD\x9C>",
     "<\xEF\xBD\x9C" "fim\xE2\x96\x81" "end\xEF\xBD\x9C>"},  // DeepSeek-Coder: <｜fim▁begin｜> <｜fim▁hole｜> <｜fim▁end｜>
    {"<PRE>", "<SUF>", "<MID>"},                              // CodeLlama
}};

bool valid_id(const std::vector<std::string>& tokens, long long id) {
  return id >= 0 && static_cast<unsigned long long>(id) < tokens.size();
}

}  // namespace

std::optional<fim_tokens> detect_fim(const std::vector<std::string>& tokens, long long prefix_id, long long suffix_id,
                                     long long middle_id) {
  if (valid_id(tokens, prefix_id) && valid_id(tokens, suffix_id) && valid_id(tokens, middle_id)) {
    return fim_tokens{tokens[prefix_id], tokens[suffix_id], tokens[middle_id]};
  }
  auto has = [&](const std::string& text) { return std::find(tokens.begin(), tokens.end(), text) != tokens.end(); };
  for (const fim_tokens& family : known_families) {
    if (has(family.prefix) && has(family.suffix) && has(family.middle)) return family;
  }
  return std::nullopt;
}

std::string fim_prompt(const fim_tokens& fim, const std::string& prefix, const std::string& suffix) {
  return fim.prefix + prefix + fim.suffix + suffix + fim.middle;
}

}  // namespace infergrid::http

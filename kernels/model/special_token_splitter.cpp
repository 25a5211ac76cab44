#include "kernels/model/special_token_splitter.hpp"

#include <algorithm>

namespace infergrid::model {

special_token_splitter::special_token_splitter(const vocabulary& vocab) {
  for (std::size_t id = 0; id < vocab.size(); ++id) {
    const spm_token_type type = vocab.types[id];
    const std::string& text = vocab.tokens[id];
    if (text.empty() || (type != spm_token_type::control && type != spm_token_type::user_defined)) continue;
    if (vocab.find(text) != static_cast<token_id>(id)) continue;  // a duplicate text: the first id wins
    by_first_byte_[static_cast<unsigned char>(text.front())].push_back(static_cast<token_id>(id));
    ++count_;
  }
  for (auto& candidates : by_first_byte_) {
    std::stable_sort(candidates.begin(), candidates.end(), [&](token_id a, token_id b) {
      return vocab.text(a).size() > vocab.text(b).size();
    });
  }
}

void special_token_splitter::split(const vocabulary& vocab, std::string_view text,
                                   const std::function<void(std::string_view)>& on_text,
                                   const std::function<void(token_id)>& on_token) const {
  std::size_t plain_start = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto& candidates = by_first_byte_[static_cast<unsigned char>(text[i])];
    token_id found = no_token;
    for (token_id id : candidates) {
      if (text.substr(i).starts_with(vocab.text(id))) {
        found = id;
        break;
      }
    }
    if (found == no_token) {
      ++i;
      continue;
    }
    if (i > plain_start) on_text(text.substr(plain_start, i - plain_start));
    on_token(found);
    i += vocab.text(found).size();
    plain_start = i;
  }
  if (plain_start < text.size()) on_text(text.substr(plain_start));
}

}  // namespace infergrid::model

#include "kernels/model/tokenizer.hpp"

#include <array>

#include "kernels/model/pre_tokenizer.hpp"

namespace infergrid::model {
namespace {

struct model_row {
  std::string_view name;  // tokenizer.ggml.model
  result<loaded_tokenizer_model> (*load)(const gguf_file& file);
};

constexpr std::array<model_row, 2> model_rows = {{
    {"llama", &load_spm_model},
    {"gpt2", &load_bpe_model},
}};

// Bytes held back at the end of `text` because they begin a UTF-8 sequence that is not complete yet.
std::size_t incomplete_utf8_tail(std::string_view text) {
  const std::size_t look = std::min<std::size_t>(3, text.size());
  for (std::size_t back = 1; back <= look; ++back) {
    const auto byte = static_cast<unsigned char>(text[text.size() - back]);
    if ((byte & 0xC0) == 0x80) continue;  // continuation byte: keep looking for the lead
    const std::size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

}  // namespace

std::string tokenizer::supported_models() {
  std::string names;
  for (const auto& row : model_rows) names += (names.empty() ? "" : ", ") + std::string(row.name);
  return names;
}

result<tokenizer> tokenizer::from_gguf(const gguf_file& file) {
  auto name = file.get_string("tokenizer.ggml.model");
  if (!name) return name.err();
  for (const auto& row : model_rows) {
    if (row.name != *name) continue;
    auto loaded = row.load(file);
    if (!loaded) return loaded.err();
    tokenizer t;
    t.model_name_ = *name;
    t.vocab_ = std::move(loaded->vocab);
    t.model_ = std::move(loaded->model);
    if (t.model_->parses_special_tokens()) t.specials_ = special_token_splitter(t.vocab_);
    return t;
  }
  return make_error(error_code::unsupported, "tokenizer.ggml.model '" + *name +
                                                 "' is not supported (supported: " + supported_models() + ")");
}

std::vector<token_id> tokenizer::encode(std::string_view text, bool add_bos) const {
  std::vector<token_id> out;
  if (add_bos && vocab_.bos != no_token) out.push_back(vocab_.bos);
  if (!model_->parses_special_tokens()) {
    model_->encode(vocab_, text, out);
    return out;
  }
  std::string repaired;
  if (!is_valid_utf8(text)) {
    repaired = valid_utf8(text);
    text = repaired;
  }
  specials_.split(
      vocab_, text, [&](std::string_view plain) { model_->encode(vocab_, plain, out); },
      [&](token_id special) { out.push_back(special); });
  return out;
}

std::string tokenizer::token_to_piece(token_id token, bool render_special) const {
  if (!vocab_.contains(token)) return {};
  if (render_special && vocab_.type(token) == spm_token_type::control) return vocab_.text(token);
  return model_->piece(vocab_, token);
}

std::string tokenizer::decode(std::span<const token_id> tokens, bool render_special) const {
  text_stream stream(*this, true, render_special);
  std::string out;
  for (token_id token : tokens) out += stream.push(token);
  return out + stream.finish();
}

std::string text_stream::push(token_id token) {
  std::string piece = vocab_->token_to_piece(token, render_special_);
  if (piece.empty()) return {};
  if (strip_space_ && piece.front() == ' ') piece.erase(0, 1);
  strip_space_ = false;
  pending_ += piece;
  const std::size_t hold = incomplete_utf8_tail(pending_);
  std::string ready = pending_.substr(0, pending_.size() - hold);
  pending_.erase(0, pending_.size() - hold);
  return ready;
}

std::string text_stream::finish() { return std::exchange(pending_, {}); }

}  // namespace infergrid::model

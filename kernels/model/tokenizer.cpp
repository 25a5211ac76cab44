#include "kernels/model/tokenizer.hpp"

#include <cstdio>

namespace infergrid::model {
namespace {

constexpr std::string_view space_marker = "\xE2\x96\x81";  // U+2581
// SentencePiece shows an unknown token as U+2047 (⁇).
constexpr std::string_view unknown_surface = "\xE2\x81\x87";

std::string unescape_spaces(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text.substr(i, space_marker.size()) == space_marker) {
      out += ' ';
      i += space_marker.size();
    } else {
      out += text[i++];
    }
  }
  return out;
}

// The byte a "<0xNN>" token stands for, or -1.
int parse_byte_token(std::string_view text) {
  unsigned value = 0;
  char tail = 0;
  if (text.size() != 6 || std::sscanf(std::string(text).c_str(), "<0x%2X%c", &value, &tail) != 2 || tail != '>') {
    return -1;
  }
  return static_cast<int>(value);
}

template <class T>
result<T> optional_key(const gguf_file& file, std::string_view key, T fallback,
                       result<T> (gguf_file::*getter)(std::string_view) const) {
  if (!file.has(key)) return fallback;
  return (file.*getter)(key);
}

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

result<tokenizer> tokenizer::from_gguf(const gguf_file& file) {
  auto model = file.get_string("tokenizer.ggml.model");
  if (!model) return model.err();
  if (*model != "llama") {
    return make_error(error_code::unsupported,
                      "tokenizer.ggml.model '" + *model + "' is not supported (only SentencePiece 'llama')");
  }
  tokenizer t;
  auto tokens = file.get_string_array("tokenizer.ggml.tokens");
  if (!tokens) return tokens.err();
  t.tokens_ = std::move(*tokens);
  const std::size_t n = t.tokens_.size();
  if (n == 0) return make_error(error_code::malformed_input, "tokenizer.ggml.tokens is empty");
  auto scores = optional_key(file, "tokenizer.ggml.scores", std::vector<float>(n, 0.0f), &gguf_file::get_f32_array);
  if (!scores) return scores.err();
  auto types = optional_key(file, "tokenizer.ggml.token_type",
                            std::vector<std::int32_t>(n, static_cast<std::int32_t>(spm_token_type::normal)),
                            &gguf_file::get_i32_array);
  if (!types) return types.err();
  if (scores->size() != n || types->size() != n) {
    return make_error(error_code::malformed_input, "tokenizer scores/token types do not match the token count");
  }
  t.scores_ = std::move(*scores);
  for (std::int32_t type : *types) t.types_.push_back(static_cast<spm_token_type>(type));
  for (std::size_t id = 0; id < n; ++id) t.ids_.emplace(t.tokens_[id], static_cast<token_id>(id));

  const auto read_id = [&](std::string_view key, std::uint32_t fallback) -> result<token_id> {
    auto id = optional_key(file, key, fallback, &gguf_file::get_u32);
    if (!id) return id.err();
    if (*id >= n) {
      return make_error(error_code::malformed_input,
                        std::string(key) + " = " + std::to_string(*id) + " is outside the vocabulary");
    }
    return static_cast<token_id>(*id);
  };
  auto bos = read_id("tokenizer.ggml.bos_token_id", 1);
  if (!bos) return bos.err();
  auto eos = read_id("tokenizer.ggml.eos_token_id", 2);
  if (!eos) return eos.err();
  auto unknown = read_id("tokenizer.ggml.unknown_token_id", 0);
  if (!unknown) return unknown.err();
  t.bos_id_ = *bos;
  t.eos_id_ = *eos;
  t.unknown_id_ = *unknown;
  auto add_bos = optional_key(file, "tokenizer.ggml.add_bos_token", true, &gguf_file::get_bool);
  if (!add_bos) return add_bos.err();
  t.add_bos_ = *add_bos;
  auto add_space = optional_key(file, "tokenizer.ggml.add_space_prefix", true, &gguf_file::get_bool);
  if (!add_space) return add_space.err();
  t.add_space_prefix_ = *add_space;

  t.byte_tokens_.fill(t.unknown_id_);
  for (std::size_t id = 0; id < n; ++id) {
    const int byte = parse_byte_token(t.tokens_[id]);
    if (byte >= 0 && t.types_[id] == spm_token_type::byte) {
      t.byte_tokens_[static_cast<std::size_t>(byte)] = static_cast<token_id>(id);
    }
  }
  return t;
}

token_id tokenizer::find(std::string_view piece) const {
  const auto it = ids_.find(piece);
  return it == ids_.end() ? -1 : it->second;
}

// A final piece: its token if the vocabulary has it, else its bytes as byte tokens.
void tokenizer::append_segment(std::string_view piece, std::vector<token_id>& out) const {
  const token_id id = find(piece);
  if (id >= 0) {
    out.push_back(id);
    return;
  }
  for (char c : piece) out.push_back(byte_tokens_[static_cast<unsigned char>(c)]);
}

bool tokenizer::is_control(token_id token) const {
  return token >= 0 && static_cast<std::size_t>(token) < types_.size() &&
         types_[static_cast<std::size_t>(token)] == spm_token_type::control;
}

std::string tokenizer::token_to_piece(token_id token) const {
  if (token < 0 || static_cast<std::size_t>(token) >= tokens_.size()) return {};
  const std::string& text = tokens_[static_cast<std::size_t>(token)];
  switch (types_[static_cast<std::size_t>(token)]) {
    case spm_token_type::normal: return unescape_spaces(text);
    case spm_token_type::user_defined: return text;
    case spm_token_type::unknown: return std::string(unknown_surface);
    case spm_token_type::byte: {
      const int byte = parse_byte_token(text);
      return byte >= 0 ? std::string(1, static_cast<char>(byte)) : std::string();
    }
    case spm_token_type::control:
    case spm_token_type::unused: return {};
  }
  return unescape_spaces(text);  // a type id outside the enum: treat as normal text
}

std::string tokenizer::decode(std::span<const token_id> tokens) const {
  text_stream stream(*this);
  std::string out;
  for (token_id token : tokens) out += stream.push(token);
  return out + stream.finish();
}

std::string text_stream::push(token_id token) {
  std::string piece = vocab_->token_to_piece(token);
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

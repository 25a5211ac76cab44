// spm_model: SentencePiece-BPE as llama.cpp's llm_tokenizer_spm does it for
// `tokenizer.ggml.model = "llama"`. Encoding prepends a space (tokenizer.ggml.add_space_prefix, default
// true), turns spaces into U+2581, splits the text into UTF-8 characters and merges the adjacent pair
// whose concatenation is the best-scoring vocabulary entry first (equal scores: leftmost pair), until
// no adjacent pair forms a vocabulary entry; a final piece not in the vocabulary falls back to its
// <0xNN> byte tokens. Special-token text in the input is not parsed ("<s>" is plain characters).
// Decoding turns U+2581 back into spaces and byte tokens into their byte.
#include <array>
#include <cstdio>
#include <queue>

#include "kernels/model/tokenizer_model.hpp"

namespace infergrid::model {
namespace {

constexpr std::string_view space_marker = "\xE2\x96\x81";  // U+2581
// SentencePiece shows an unknown token as U+2047 (⁇).
constexpr std::string_view unknown_surface = "\xE2\x81\x87";

struct symbol {
  int prev = -1;
  int next = -1;
  std::size_t start = 0;  // byte offset into the escaped text
  std::size_t size = 0;   // 0 once merged into its left neighbour
};

struct bigram {
  int left = 0;
  int right = 0;
  float score = 0.0f;
  std::size_t size = 0;  // bytes of the merged piece, to detect stale entries
};

struct lower_priority {
  bool operator()(const bigram& a, const bigram& b) const {
    return a.score < b.score || (a.score == b.score && a.left > b.left);
  }
};

std::size_t utf8_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

std::string escape_text(std::string_view text, bool add_space_prefix) {
  std::string out;
  out.reserve(text.size() + 8);
  if (add_space_prefix) out += space_marker;
  for (char c : text) {
    if (c == ' ') {
      out += space_marker;
    } else {
      out += c;
    }
  }
  return out;
}

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

class spm_model final : public tokenizer_model {
 public:
  spm_model(std::vector<float> scores, bool add_space_prefix) : scores_(std::move(scores)), add_space_prefix_(add_space_prefix) {}
  void index_byte_tokens(const vocabulary& vocab);
  void encode(const vocabulary& vocab, std::string_view text, std::vector<token_id>& out) const override;
  std::string piece(const vocabulary& vocab, token_id id) const override;
  bool parses_special_tokens() const override { return false; }
  bool add_space_prefix() const override { return add_space_prefix_; }

 private:
  void append_segment(const vocabulary& vocab, std::string_view piece, std::vector<token_id>& out) const;
  std::vector<float> scores_;
  std::array<token_id, 256> byte_tokens_{};
  bool add_space_prefix_;
};

void spm_model::index_byte_tokens(const vocabulary& vocab) {
  byte_tokens_.fill(vocab.unknown == no_token ? 0 : vocab.unknown);
  for (std::size_t id = 0; id < vocab.size(); ++id) {
    const int byte = parse_byte_token(vocab.tokens[id]);
    if (byte >= 0 && vocab.types[id] == spm_token_type::byte) {
      byte_tokens_[static_cast<std::size_t>(byte)] = static_cast<token_id>(id);
    }
  }
}

// A final piece: its token if the vocabulary has it, else its bytes as byte tokens.
void spm_model::append_segment(const vocabulary& vocab, std::string_view piece, std::vector<token_id>& out) const {
  const token_id id = vocab.find(piece);
  if (id >= 0) {
    out.push_back(id);
    return;
  }
  for (char c : piece) out.push_back(byte_tokens_[static_cast<unsigned char>(c)]);
}

std::string spm_model::piece(const vocabulary& vocab, token_id token) const {
  const std::string& text = vocab.text(token);
  switch (vocab.type(token)) {
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

void spm_model::encode(const vocabulary& vocab, std::string_view text, std::vector<token_id>& out) const {
  if (text.empty()) return;
  const std::string escaped = escape_text(text, add_space_prefix_);
  const std::string_view view = escaped;

  std::vector<symbol> symbols;
  for (std::size_t offset = 0; offset < escaped.size();) {
    const std::size_t size = std::min(utf8_length(static_cast<unsigned char>(escaped[offset])), escaped.size() - offset);
    const int index = static_cast<int>(symbols.size());
    symbols.push_back({index - 1, -1, offset, size});
    if (index > 0) symbols[static_cast<std::size_t>(index - 1)].next = index;
    offset += size;
  }

  std::priority_queue<bigram, std::vector<bigram>, lower_priority> queue;
  const auto try_add = [&](int left, int right) {
    if (left < 0 || right < 0) return;
    const symbol& l = symbols[static_cast<std::size_t>(left)];
    const symbol& r = symbols[static_cast<std::size_t>(right)];
    const std::string_view piece = view.substr(l.start, l.size + r.size);
    const token_id id = vocab.find(piece);
    if (id < 0) return;
    queue.push({left, right, scores_[static_cast<std::size_t>(id)], piece.size()});
  };
  for (std::size_t i = 1; i < symbols.size(); ++i) try_add(static_cast<int>(i - 1), static_cast<int>(i));

  // Each merge removes a symbol and adds at most two entries, so the loop is bounded by the text size.
  while (!queue.empty()) {
    const bigram top = queue.top();
    queue.pop();
    symbol& l = symbols[static_cast<std::size_t>(top.left)];
    symbol& r = symbols[static_cast<std::size_t>(top.right)];
    if (l.size == 0 || r.size == 0 || l.size + r.size != top.size) continue;  // stale
    l.size += r.size;
    r.size = 0;
    l.next = r.next;
    if (r.next >= 0) symbols[static_cast<std::size_t>(r.next)].prev = top.left;
    try_add(l.prev, top.left);
    try_add(top.left, l.next);
  }

  for (int i = symbols.empty() ? -1 : 0; i >= 0; i = symbols[static_cast<std::size_t>(i)].next) {
    const symbol& s = symbols[static_cast<std::size_t>(i)];
    append_segment(vocab, view.substr(s.start, s.size), out);
  }
}

}  // namespace

result<loaded_tokenizer_model> load_spm_model(const gguf_file& file) {
  auto vocab = read_vocabulary(file, {.bos = 1, .eos = 2, .unknown = 0, .add_bos = true});
  if (!vocab) return vocab.err();
  const std::size_t n = vocab->size();
  auto scores = optional_key(file, "tokenizer.ggml.scores", std::vector<float>(n, 0.0f), &gguf_file::get_f32_array);
  if (!scores) return scores.err();
  if (scores->size() != n) {
    return make_error(error_code::malformed_input, "tokenizer.ggml.scores does not match the token count");
  }
  auto add_space = optional_key(file, "tokenizer.ggml.add_space_prefix", true, &gguf_file::get_bool);
  if (!add_space) return add_space.err();
  auto model = std::make_unique<spm_model>(std::move(*scores), *add_space);
  model->index_byte_tokens(*vocab);
  return loaded_tokenizer_model{std::move(*vocab), std::move(model)};
}

}  // namespace infergrid::model

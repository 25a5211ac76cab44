// tokenizer::encode — SentencePiece BPE merging as llama.cpp's llm_tokenizer_spm: pieces start as UTF-8
// characters and the adjacent pair whose concatenation is the best-scoring vocabulary entry is merged
// first (equal scores: leftmost pair), until no adjacent pair forms a vocabulary entry.
#include <queue>

#include "kernels/model/tokenizer.hpp"

namespace infergrid::model {
namespace {

constexpr std::string_view space_marker = "\xE2\x96\x81";  // U+2581

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

}  // namespace

std::vector<token_id> tokenizer::encode(std::string_view text, bool add_bos) const {
  std::vector<token_id> out;
  if (add_bos) out.push_back(bos_id_);
  if (text.empty()) return out;
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
    const token_id id = find(piece);
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
    append_segment(view.substr(s.start, s.size), out);
  }
  return out;
}

}  // namespace infergrid::model

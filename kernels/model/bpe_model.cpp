// bpe_model: byte-level BPE as llama.cpp's llm_tokenizer_bpe does it for `tokenizer.ggml.model =
// "gpt2"` (Llama 3, Qwen2/2.5/3, DeepSeek-R1-Distill). The pre-tokenizer that tokenizer.ggml.pre names
// splits the text into pieces; each piece's bytes become byte-level characters (byte_unicode) and
// adjacent symbols are merged lowest merge rank first (tokenizer.ggml.merges order; equal ranks:
// leftmost), until no adjacent pair has a rank. Pre-tokenizers with ignore_merges (Llama 3) emit a
// piece that is itself a token whole. Special-token text is split off before this, in tokenizer.
// Decoding maps normal tokens' characters back to bytes; user-defined tokens are their text; control
// tokens are empty.
#include <array>
#include <queue>
#include <unordered_map>

#include "kernels/model/byte_unicode.hpp"
#include "kernels/model/pre_tokenizer.hpp"
#include "kernels/model/tokenizer_model.hpp"

namespace infergrid::model {
namespace {

struct merge_result {
  std::int32_t rank = 0;
  token_id merged = no_token;
};

std::uint64_t pair_key(token_id left, token_id right) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) | static_cast<std::uint32_t>(right);
}

struct symbol {
  token_id id;
  int prev;
  int next;
};

struct candidate {
  std::int32_t rank;
  int left;  // symbol index; its id and its right neighbour's id when queued, to detect stale entries
  token_id left_id;
  token_id right_id;
  token_id merged;
};

struct later_first {
  bool operator()(const candidate& a, const candidate& b) const {
    return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
  }
};

// Pieces up to this many bytes are remembered per encode call: running text repeats its words.
constexpr std::size_t cached_piece_bytes_max = 64;

class bpe_model final : public tokenizer_model {
 public:
  explicit bpe_model(pre_tokenizer splitter) : splitter_(std::move(splitter)) {}
  status index(const vocabulary& vocab, const std::vector<std::string>& merges);
  void encode(const vocabulary& vocab, std::string_view text, std::vector<token_id>& out) const override;
  std::string piece(const vocabulary& vocab, token_id id) const override;
  bool parses_special_tokens() const override { return true; }
  bool add_space_prefix() const override { return false; }

 private:
  void merge_piece(std::string_view piece, std::vector<token_id>& out) const;

  pre_tokenizer splitter_;
  std::array<token_id, 256> byte_tokens_{};
  std::unordered_map<std::uint64_t, merge_result> ranks_;
};

status bpe_model::index(const vocabulary& vocab, const std::vector<std::string>& merges) {
  for (unsigned byte = 0; byte < 256; ++byte) {
    const token_id id = vocab.find(byte_to_unicode(static_cast<unsigned char>(byte)));
    if (id == no_token) {
      return make_error(error_code::malformed_input,
                        "byte-level vocabulary has no token for byte " + std::to_string(byte));
    }
    byte_tokens_[byte] = id;
  }
  ranks_.reserve(merges.size());
  std::string merged;
  for (std::size_t rank = 0; rank < merges.size(); ++rank) {
    const std::string& line = merges[rank];
    const std::size_t space = line.find(' ', 1);
    if (space == std::string::npos) {
      return make_error(error_code::malformed_input, "tokenizer.ggml.merges[" + std::to_string(rank) + "] '" + line +
                                                         "' is not two tokens separated by a space");
    }
    const std::string_view left(line.data(), space);
    const std::string_view right(line.data() + space + 1, line.size() - space - 1);
    merged.assign(left).append(right);
    const token_id left_id = vocab.find(left);
    const token_id right_id = vocab.find(right);
    const token_id merged_id = vocab.find(merged);
    // A merge whose parts or result are not tokens can never fire on symbols that are tokens.
    if (left_id == no_token || right_id == no_token || merged_id == no_token) continue;
    ranks_.try_emplace(pair_key(left_id, right_id), merge_result{static_cast<std::int32_t>(rank), merged_id});
  }
  return {};
}

void bpe_model::merge_piece(std::string_view piece, std::vector<token_id>& out) const {
  std::vector<symbol> symbols;
  symbols.reserve(piece.size());
  for (std::size_t i = 0; i < piece.size(); ++i) {
    symbols.push_back({byte_tokens_[static_cast<unsigned char>(piece[i])], static_cast<int>(i) - 1,
                       i + 1 < piece.size() ? static_cast<int>(i) + 1 : -1});
  }
  std::priority_queue<candidate, std::vector<candidate>, later_first> queue;
  const auto try_add = [&](int left) {
    if (left < 0) return;
    const int right = symbols[static_cast<std::size_t>(left)].next;
    if (right < 0) return;
    const token_id left_id = symbols[static_cast<std::size_t>(left)].id;
    const token_id right_id = symbols[static_cast<std::size_t>(right)].id;
    const auto it = ranks_.find(pair_key(left_id, right_id));
    if (it != ranks_.end()) queue.push({it->second.rank, left, left_id, right_id, it->second.merged});
  };
  for (int i = 0; i + 1 < static_cast<int>(symbols.size()); ++i) try_add(i);
  // Each merge removes one symbol and queues at most two candidates: bounded by the piece's length.
  while (!queue.empty()) {
    const candidate top = queue.top();
    queue.pop();
    symbol& left = symbols[static_cast<std::size_t>(top.left)];
    if (left.id != top.left_id || left.next < 0) continue;
    symbol& right = symbols[static_cast<std::size_t>(left.next)];
    if (right.id != top.right_id) continue;
    left.id = top.merged;
    right.id = no_token;  // removed
    left.next = right.next;
    if (right.next >= 0) symbols[static_cast<std::size_t>(right.next)].prev = top.left;
    try_add(left.prev);
    try_add(top.left);
  }
  for (int i = symbols.empty() ? -1 : 0; i >= 0; i = symbols[static_cast<std::size_t>(i)].next) {
    out.push_back(symbols[static_cast<std::size_t>(i)].id);
  }
}

void bpe_model::encode(const vocabulary& vocab, std::string_view text, std::vector<token_id>& out) const {
  std::vector<std::string_view> pieces;
  splitter_.split(text, pieces);
  std::unordered_map<std::string_view, std::vector<token_id>> cache;
  for (std::string_view piece : pieces) {
    if (splitter_.row().ignore_merges) {
      const token_id whole = vocab.find(bytes_to_unicode(piece));
      if (whole != no_token) {
        out.push_back(whole);
        continue;
      }
    }
    if (piece.size() > cached_piece_bytes_max) {
      merge_piece(piece, out);
      continue;
    }
    const auto [it, fresh] = cache.try_emplace(piece);
    if (fresh) merge_piece(piece, it->second);
    out.insert(out.end(), it->second.begin(), it->second.end());
  }
}

std::string bpe_model::piece(const vocabulary& vocab, token_id id) const {
  switch (vocab.type(id)) {
    case spm_token_type::normal: return unicode_to_bytes(vocab.text(id));
    case spm_token_type::user_defined: return vocab.text(id);
    default: return {};
  }
}

}  // namespace

result<loaded_tokenizer_model> load_bpe_model(const gguf_file& file) {
  auto pre_name = file.has("tokenizer.ggml.pre") ? file.get_string("tokenizer.ggml.pre") : result<std::string>("");
  if (!pre_name) return pre_name.err();
  if (pre_name->empty()) {
    return make_error(error_code::unsupported, "byte-level BPE vocabulary without tokenizer.ggml.pre: its "
                                               "pre-tokenizer is unknown");
  }
  auto splitter = pre_tokenizer::create(*pre_name);
  if (!splitter) return splitter.err();
  auto vocab = read_vocabulary(file, {.add_bos = splitter->row().add_bos});
  if (!vocab) return vocab.err();
  auto merges = file.get_string_array("tokenizer.ggml.merges");
  if (!merges) return merges.err();
  auto model = std::make_unique<bpe_model>(std::move(*splitter));
  IG_TRY(model->index(*vocab, *merges));
  return loaded_tokenizer_model{std::move(*vocab), std::move(model)};
}

}  // namespace infergrid::model

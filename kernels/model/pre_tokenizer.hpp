#pragma once
// pre_tokenizer: splits text into the pieces byte-level BPE merges within, by the regular expression
// that `tokenizer.ggml.pre` names (one table row per name, the expressions of the models' own
// tokenizer.json files). Every byte of the text lands in exactly one piece: matches are pieces, and
// so is any text between matches ("Isolated" splitting). Matching is Unicode-aware (PCRE2 in UTF mode
// with Unicode properties, JIT-compiled); text that is not valid UTF-8 has each invalid byte replaced
// by U+FFFD first.
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/result.hpp"

namespace infergrid::model {

struct pre_tokenizer_row {
  std::string_view name;     // tokenizer.ggml.pre
  std::string_view pattern;  // PCRE2 syntax
  bool ignore_merges;        // a piece that is itself a token is emitted whole, without merging
  bool add_bos;              // default when tokenizer.ggml.add_bos_token is absent
};

// The rows, in documentation order.
std::span<const pre_tokenizer_row> pre_tokenizer_rows();

class pre_tokenizer {
 public:
  // A clear error naming the supported values when `name` has no row.
  static result<pre_tokenizer> create(std::string_view name);
  pre_tokenizer(pre_tokenizer&&) noexcept;
  pre_tokenizer& operator=(pre_tokenizer&&) noexcept;
  ~pre_tokenizer();

  const pre_tokenizer_row& row() const { return *row_; }
  // Appends the pieces of `text` (views into `text`, which must be valid UTF-8) to `pieces`.
  void split(std::string_view text, std::vector<std::string_view>& pieces) const;

 private:
  struct compiled;
  explicit pre_tokenizer(const pre_tokenizer_row& row, std::unique_ptr<compiled> code);
  const pre_tokenizer_row* row_;
  std::unique_ptr<compiled> code_;
};

// `text` itself when it is valid UTF-8; otherwise a copy with each invalid byte replaced by U+FFFD.
std::string valid_utf8(std::string_view text);
bool is_valid_utf8(std::string_view text);

}  // namespace infergrid::model

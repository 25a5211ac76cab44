#include "kernels/model/pre_tokenizer.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <array>

namespace infergrid::model {
namespace {

// Llama 3 (llama.cpp's "llama-bpe"): contractions, letters with one leading non-letter, digits in
// groups of up to three, punctuation runs, newline runs, and whitespace not followed by a non-space.
constexpr std::string_view llama3_pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
// Qwen2/Qwen2.5/Qwen3 and DeepSeek-R1-Distill-Qwen: as Llama 3's, but every digit is its own piece.
constexpr std::string_view qwen2_pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

constexpr std::array<pre_tokenizer_row, 5> rows = {{
    {"llama-bpe", llama3_pattern, true, true},
    {"llama3", llama3_pattern, true, true},
    {"llama-v3", llama3_pattern, true, true},
    {"qwen2", qwen2_pattern, false, false},
    {"deepseek-r1-qwen", qwen2_pattern, false, false},
}};

// Length of the UTF-8 sequence starting at text[i], or 0 when it is not a valid one.
std::size_t valid_sequence(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint32_t min = 0;
  std::uint32_t code_point = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, min = 0x80, code_point = lead & 0x1Fu;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, min = 0x800, code_point = lead & 0x0Fu;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, min = 0x10000, code_point = lead & 0x07u;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i + k) & 0x3Fu);
  }
  if (code_point < min || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

struct pre_tokenizer::compiled {
  pcre2_code* code = nullptr;
  ~compiled() { pcre2_code_free(code); }
};

std::span<const pre_tokenizer_row> pre_tokenizer_rows() { return rows; }

result<pre_tokenizer> pre_tokenizer::create(std::string_view name) {
  const pre_tokenizer_row* row = nullptr;
  std::string supported;
  for (const auto& candidate : rows) {
    if (candidate.name == name) row = &candidate;
    supported += (supported.empty() ? "" : ", ") + std::string(candidate.name);
  }
  if (row == nullptr) {
    return make_error(error_code::unsupported, "tokenizer.ggml.pre '" + std::string(name) +
                                                   "' is not supported (supported: " + supported + ")");
  }
  auto code = std::make_unique<compiled>();
  int error = 0;
  PCRE2_SIZE error_offset = 0;
  code->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(row->pattern.data()), row->pattern.size(),
                             PCRE2_UTF | PCRE2_UCP, &error, &error_offset, nullptr);
  if (code->code == nullptr) {
    std::array<PCRE2_UCHAR, 256> message{};
    pcre2_get_error_message(error, message.data(), message.size());
    return make_error(error_code::internal, "pre-tokenizer '" + std::string(name) + "' does not compile: " +
                                                reinterpret_cast<const char*>(message.data()));
  }
  pcre2_jit_compile(code->code, PCRE2_JIT_COMPLETE);  // without JIT (unsupported CPU) matching still works
  return pre_tokenizer(*row, std::move(code));
}

pre_tokenizer::pre_tokenizer(const pre_tokenizer_row& row, std::unique_ptr<compiled> code)
    : row_(&row), code_(std::move(code)) {}
pre_tokenizer::pre_tokenizer(pre_tokenizer&&) noexcept = default;
pre_tokenizer& pre_tokenizer::operator=(pre_tokenizer&&) noexcept = default;
pre_tokenizer::~pre_tokenizer() = default;

void pre_tokenizer::split(std::string_view text, std::vector<std::string_view>& pieces) const {
  std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> match(
      pcre2_match_data_create_from_pattern(code_->code, nullptr), &pcre2_match_data_free);
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  std::size_t offset = 0;
  std::size_t emitted = 0;  // end of the last piece
  // Each round consumes at least one character, so the loop ends after at most text.size() rounds.
  while (offset < text.size()) {
    int found = pcre2_match(code_->code, subject, text.size(), offset, PCRE2_NO_UTF_CHECK, match.get(), nullptr);
    if (found == PCRE2_ERROR_JIT_STACKLIMIT) {  // a very long match: the interpreter keeps its frames on the heap
      found = pcre2_match(code_->code, subject, text.size(), offset, PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT, match.get(),
                          nullptr);
    }
    if (found < 0) break;  // no further match: the rest is one piece
    const PCRE2_SIZE* span = pcre2_get_ovector_pointer(match.get());
    const std::size_t start = span[0];
    std::size_t end = span[1];
    if (start > emitted) pieces.push_back(text.substr(emitted, start - emitted));
    if (end == start) {  // an empty match: step over one character
      end = start + std::max<std::size_t>(1, valid_sequence(text, start));
      if (end > text.size()) end = text.size();
      pieces.push_back(text.substr(start, end - start));
    } else {
      pieces.push_back(text.substr(start, end - start));
    }
    emitted = end;
    offset = end;
  }
  if (emitted < text.size()) pieces.push_back(text.substr(emitted));
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = valid_sequence(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = valid_sequence(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

}  // namespace infergrid::model

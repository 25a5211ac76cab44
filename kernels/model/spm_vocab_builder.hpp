#pragma once
// spm_vocab_builder: a SentencePiece-style ("llama") vocabulary for generated test models, laid out as
// real Llama vocabularies are: <unk>, <s>, </s>, the 256 byte-fallback tokens <0x00>..<0xFF>, single
// characters, then pieces learned by BPE merges on a small built-in English text (scores falling with
// merge rank, so the tokenizer reproduces the merges), padded to the requested size with further
// pieces made by joining two existing ones.
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/result.hpp"

namespace infergrid::model {

// tokenizer.ggml.token_type values (llama.cpp's llama_token_type).
enum class spm_token_type : std::int32_t {
  normal = 1,
  unknown = 2,
  control = 3,
  user_defined = 4,
  unused = 5,
  byte = 6,
};

struct spm_vocab {
  std::vector<std::string> tokens;
  std::vector<float> scores;
  std::vector<std::int32_t> token_types;
  std::int32_t unknown_id = 0;
  std::int32_t bos_id = 1;
  std::int32_t eos_id = 2;
};

// Special and byte tokens take 259 ids; the characters of the built-in text need ~60 more.
inline constexpr std::size_t spm_vocab_size_min = 512;

// A vocabulary of exactly n_vocab tokens (at least spm_vocab_size_min), deterministic for a seed.
result<spm_vocab> build_spm_vocab(std::size_t n_vocab, std::uint64_t seed);

}  // namespace infergrid::model

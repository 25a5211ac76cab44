#include "kernels/model/spm_vocab_builder.hpp"

#include <cstdio>
#include <map>
#include <random>
#include <set>

namespace infergrid::model {
namespace {

// A short English text in the style of TinyStories; BPE merges learned on it make the vocabulary's
// pieces look like a real one's ("▁the", "▁was", "ing", ...).
constexpr std::string_view training_text =
    "Once upon a time, there was a little girl named Lily. She loved to play outside in the sunshine. "
    "One day, she saw a big, red ball in the park. She ran to the ball and kicked it very high. "
    "The ball went over the tree and into the pond. Lily was sad because she could not get her ball. "
    "Her friend Tom came to help. He was a kind boy who liked to swim. Tom jumped into the water and "
    "found the ball. Lily was so happy! She said, \"Thank you, Tom! You are my best friend.\" "
    "They played with the ball together all day long. When the sun went down, they went home to eat "
    "dinner with their mom and dad. The next morning, Lily wanted to play again. She looked for Tom, "
    "but he was not there. She walked to his house and knocked on the door. His mom opened it and "
    "smiled. \"Tom is sick today,\" she said. Lily felt sorry for her friend. She picked some pretty "
    "flowers from the garden and gave them to him. Tom smiled and said, \"Thank you, Lily. You are very "
    "nice.\" Lily learned that it is good to share and to be kind to others. Once there was a small dog "
    "named Max. Max liked to run and jump and bark at the birds in the sky. One day, Max found a shiny "
    "key under a big rock. He wanted to know what the key could open. He looked everywhere: in the "
    "house, in the car, and in the old box in the yard. At last, he found a little door behind the "
    "tree. The key fit! Inside was a warm, soft bed and a bowl of food. Max was very happy and he "
    "slept there every night. The end. 1, 2, 3, 4, 5, 6, 7, 8, 9, 0? Yes; no: maybe - (it's fine).";

constexpr std::string_view space_marker = "\xE2\x96\x81";  // U+2581, SentencePiece's visible space
// Filler pieces longer than this look nothing like real vocabulary entries.
constexpr std::size_t filler_piece_bytes_max = 16;
// Attempts per missing filler piece before giving up (joins of existing pieces can collide).
constexpr std::size_t filler_attempts_per_piece = 64;

using word = std::vector<std::string>;

// Words of the text as SentencePiece sees them: spaces become U+2581, each word starts with one.
std::map<word, std::size_t> split_words() {
  std::map<word, std::size_t> counts;
  word current;
  for (char c : training_text) {
    if (c == ' ') {
      if (!current.empty()) ++counts[current];
      current = {std::string(space_marker)};
      continue;
    }
    if (current.empty()) current.push_back(std::string(space_marker));
    current.push_back(std::string(1, c));
  }
  if (!current.empty()) ++counts[current];
  return counts;
}

// Learns up to `merges_max` merges; each merge joins the most frequent adjacent pair (ties broken by
// the pair's text, so the result is deterministic).
std::vector<std::string> learn_merges(std::map<word, std::size_t> words, std::size_t merges_max) {
  std::vector<std::string> merged;
  for (std::size_t round = 0; round < merges_max; ++round) {
    std::map<std::pair<std::string, std::string>, std::size_t> pairs;
    for (const auto& [w, count] : words) {
      for (std::size_t i = 0; i + 1 < w.size(); ++i) pairs[{w[i], w[i + 1]}] += count;
    }
    const std::pair<std::string, std::string>* best = nullptr;
    std::size_t best_count = 1;  // a pair seen once is not worth a merge
    for (const auto& [pair, count] : pairs) {
      if (count > best_count) {
        best = &pair;
        best_count = count;
      }
    }
    if (best == nullptr) break;
    const std::string joined = best->first + best->second;
    const auto [left, right] = *best;
    merged.push_back(joined);
    std::map<word, std::size_t> next;
    for (const auto& [w, count] : words) {
      word out;
      for (std::size_t i = 0; i < w.size(); ++i) {
        if (i + 1 < w.size() && w[i] == left && w[i + 1] == right) {
          out.push_back(joined);
          ++i;
        } else {
          out.push_back(w[i]);
        }
      }
      next[out] += count;
    }
    words = std::move(next);
  }
  return merged;
}

}  // namespace

result<spm_vocab> build_spm_vocab(std::size_t n_vocab, std::uint64_t seed) {
  if (n_vocab < spm_vocab_size_min) {
    return make_error(error_code::invalid_argument,
                      "vocabulary size " + std::to_string(n_vocab) + " is below " + std::to_string(spm_vocab_size_min));
  }
  spm_vocab vocab;
  const auto add = [&](std::string piece, float score, spm_token_type type) {
    vocab.tokens.push_back(std::move(piece));
    vocab.scores.push_back(score);
    vocab.token_types.push_back(static_cast<std::int32_t>(type));
  };
  add("<unk>", 0.0f, spm_token_type::unknown);
  add("<s>", 0.0f, spm_token_type::control);
  add("</s>", 0.0f, spm_token_type::control);
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    add(name, 0.0f, spm_token_type::byte);
  }
  const std::map<word, std::size_t> words = split_words();
  std::set<std::string> characters;
  for (const auto& [w, count] : words) characters.insert(w.begin(), w.end());
  const std::size_t pieces_wanted = n_vocab - vocab.tokens.size() - characters.size();
  std::set<std::string> known(characters.begin(), characters.end());
  std::vector<std::string> pieces;
  for (std::string& piece : learn_merges(words, pieces_wanted)) {
    if (known.insert(piece).second) pieces.push_back(std::move(piece));
  }
  std::vector<std::string> joinable(known.begin(), known.end());
  std::mt19937_64 rng(seed);
  const std::size_t attempts_max = filler_attempts_per_piece * pieces_wanted;
  // Short fillers first; vocabularies too large for them (Qwen's 151936) continue with longer ones.
  for (const std::size_t bytes_max : {filler_piece_bytes_max, 4 * filler_piece_bytes_max}) {
    for (std::size_t attempt = 0; pieces.size() < pieces_wanted && attempt < attempts_max; ++attempt) {
      std::uniform_int_distribution<std::size_t> pick(0, joinable.size() - 1);
      const std::string& left = joinable[pick(rng)];
      const std::string& right = joinable[pick(rng)];
      if (right.starts_with(space_marker)) continue;  // pieces never hold a space inside
      std::string piece = left + right;
      if (piece.size() > bytes_max || !known.insert(piece).second) continue;
      joinable.push_back(piece);
      pieces.push_back(std::move(piece));
    }
  }
  if (pieces.size() < pieces_wanted) {
    return make_error(error_code::internal, "could not build " + std::to_string(n_vocab) + " distinct pieces");
  }
  // Scores fall with merge rank, as SentencePiece's do; characters come last with the lowest scores.
  for (std::size_t i = 0; i < pieces.size(); ++i) add(pieces[i], -static_cast<float>(i), spm_token_type::normal);
  float character_score = -static_cast<float>(pieces.size()) - 1.0f;
  for (const std::string& c : characters) add(c, character_score--, spm_token_type::normal);
  return vocab;
}

}  // namespace infergrid::model

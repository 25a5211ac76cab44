#pragma once
// schema_token_mask: constrained decoding for output_format json_schema. Given the recogniser
// state after the tokens generated so far (json_schema_prefix.hpp), it rules out (logit -inf) every
// token whose bytes cannot continue it, and every end-of-generation token until the document
// (prefix + value + suffix) is complete; when it is complete and nothing can follow, only
// end-of-generation tokens remain. Like json_token_mask it is a function of the generated tokens
// alone, so a resumed job and a validator's replay compute the same mask.
// Cost per step: a walk of the vocabulary's byte trie (token_trie.hpp) that skips every subtree the
// state refuses. Inside a string, tokens that are whole characters without a closing quote
// ("plain": most of a vocabulary) are decided by their character count alone; the rest are walked
// from the bytes after their plain leading characters when the string's length does not matter.
// With a pattern, the same holds for plain tokens without a character that moves its automaton off
// the run most characters follow (pattern_run.hpp: `.*`, `[^"]{0,200}`); the few that hold one are
// fed whole, found through plain_character_index. A pattern that most characters leave (a tight one)
// is walked when few tokens start with a character it keeps (its walk is short, since the state
// refuses most bytes); when many do (`^[a-zA-Z ]*$`), plain tokens are decided by the buckets their
// characters fall in (pattern_bucket_mask.hpp) and only the tokens that are not plain are walked.
// Where the buckets leave too many tokens undecided (`^[A-Z][a-z]+( [A-Z][a-z]+)*$` after a word:
// a space leads elsewhere than a letter) or too few tokens start to fit, the plain tokens are
// walked with plain_pattern_walker, a state of a few words, and the rest with the recogniser.
// Built once per vocabulary; apply() is const and keeps its buffers in a caller's scratch.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kernels/model/json_schema_prefix.hpp"
#include "kernels/model/mask_vocabulary.hpp"
#include "kernels/model/pattern_bucket_mask.hpp"
#include "kernels/model/plain_end_states.hpp"
#include "kernels/model/plain_character_index.hpp"
#include "kernels/model/plain_pattern_walker.hpp"
#include "kernels/model/plain_token_buckets.hpp"
#include "kernels/model/token_trie.hpp"
#include "kernels/model/tokenizer.hpp"

namespace infergrid::model {

// Which shortcuts schema_token_mask::apply() may take instead of the trie walk (the bench and the
// tests turn them off to compare); every choice gives the same mask.
struct schema_mask_options {
  bool plain_buckets = true;
  bool plain_buckets_always = false;  // even where the walk costs less (tests: every plain state through it)
  bool plain_walk = true;             // plain tokens walked with plain_pattern_walker where the trie is walked
  bool plain_tables = true;           // plain tokens decided by plain_end_states' tables where the automata are small
};

class schema_token_mask {
 public:
  using options = schema_mask_options;
  explicit schema_token_mask(const tokenizer& vocab, options choices = {});

  struct scratch {
    std::vector<json_schema_prefix> per_depth;
    std::vector<std::uint8_t> allowed;
    std::vector<token_id> moved;                // plain tokens to feed whole
    std::optional<json_schema_prefix> probe;    // one of them being fed
    std::vector<thread_buckets> threads;         // per pattern thread, for the bucket decision
    std::optional<json_schema_prefix::plain_string> plain;  // the state's plain string, if it is in one
    plain_pattern_walker::threads walked;        // the plain walk's threads
    std::vector<plain_pattern_walker> walkers;   // per trie depth, for the plain walk
    plain_end_states end_states;                 // per automaton state seen, each plain token's end state
  };
  // How apply() decides the tokens from `state`: a walk of every token's bytes, plain tokens by
  // their count along the pattern's run, plain tokens by their characters' buckets, plain tokens by
  // a walk of the trie with plain_pattern_walker (the others with the recogniser), or plain tokens by
  // their end states' tables (plain_end_states.hpp; the first step at a state walks to fill one).
  enum class method : std::uint8_t { trie_walk, plain_run, plain_buckets, plain_walk, plain_tables };
  method method_for(const json_schema_prefix& state, scratch& buffers) const;
  // Sets the logits of the tokens that cannot follow `state` to -inf (at least one token stays).
  void apply(const json_schema_prefix& state, std::span<float> logits, scratch& buffers) const;
  // Feeds `token`'s bytes; false: it cannot follow (an end-of-generation or control token included),
  // and `state` is left with no continuation.
  bool advance(json_schema_prefix& state, token_id token) const;
  std::size_t vocab_size() const { return tokens_.size(); }

 private:
  options choices_;
  mask_vocabulary tokens_;
  // The plain-string shortcut costs less than the trie walk: no pattern decides, or the run is long
  // and few enough plain tokens hold a moving character to feed them one by one.
  bool shortcut_pays(const json_schema_prefix::plain_string& plain) const;
  // Many plain tokens start with a character some pattern thread keeps, so a pass over every plain
  // token (tables, buckets) costs less than the walk, which stops at the first refused byte (fills
  // buffers.threads).
  bool many_plain_tokens_start(const json_schema_prefix& state, const json_schema_prefix::plain_string& plain, scratch& buffers) const;
  // The bucket decision (after many_plain_tokens_start) leaves few tokens to step one by one.
  bool buckets_pay(const scratch& buffers) const;
  // Every pattern thread's automaton is small enough to table (plain_end_states::tables).
  bool tables_fit(const compiled_schema& schema, const json_schema_prefix::plain_string& plain) const;
  void allow_plain_by_tables(const compiled_schema& schema, const json_schema_prefix::plain_string& plain, scratch& buffers,
                             std::vector<std::uint8_t>& allowed) const;
  void allow_plain_by_buckets(const json_schema_prefix& state, const json_schema_prefix::plain_string& plain,
                              const scratch& buffers, std::vector<std::uint8_t>& allowed) const;

  std::vector<std::uint16_t> plain_chars_;  // characters of a plain string token (0: not plain)
  std::uint32_t plain_chars_max_ = 0;       // the most of them
  plain_character_index plain_characters_;  // which plain tokens hold which characters
  plain_token_buckets plain_buckets_;       // the plain tokens' characters, in order and by bucket
  token_trie all_;                        // every token with bytes
  token_trie unplain_;                    // tokens that are not plain
  token_trie unplain_rest_;               // the same, without their plain leading characters
};

}  // namespace infergrid::model

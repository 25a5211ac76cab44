#pragma once
// plain_pattern_walker: the state a trie walk (token_trie.hpp) carries to decide the plain string
// tokens (schema_token_mask.hpp: whole characters, no closing quote) inside a string with a
// pattern, in place of the whole recogniser. It holds only what a plain token can change: the JSON
// string reader, the characters read, and each pattern thread's automaton state; per byte it makes
// the checks the recogniser makes (schema_stepper's string_byte): maxLength before a character, a
// live state and lengths that still fit after it, and inside a character some code point it may
// become that does. A token of n characters fits when n is within the room of the threads no
// pattern decides, or some pattern thread takes all n (as pattern_bucket_mask's thread_takes).
// Copying it costs a few words where the recogniser's state is a vector of frames, and a printable
// ASCII byte is one table look-up per thread, so a pattern that many tokens start to fit but no run
// decides (`^[A-Z][a-z]+( [A-Z][a-z]+)*$` after a word: a space leads elsewhere than a letter)
// walks the trie at a fraction of the cost. Tokens that are not plain are walked with the recogniser.
#include <array>
#include <cstdint>

#include "kernels/model/compiled_schema.hpp"
#include "kernels/model/json_schema_prefix.hpp"
#include "kernels/model/json_string_reader.hpp"

namespace infergrid::model {

class plain_pattern_walker {
 public:
  static constexpr std::size_t threads_max = 4;  // pattern threads carried (more: the recogniser walks)
  static bool carries(const json_schema_prefix::plain_string& plain) { return plain.patterned.size() <= threads_max; }

  // What every copy of a walker reads: the string's threads, from one state (kept by the caller
  // for as long as the walkers).
  struct threads {
    struct pattern {
      const schema_node* node = nullptr;
      const regex_dfa* dfa = nullptr;
      const std::uint32_t* next = nullptr;  // dfa->next, read per character
      std::uint32_t classes = 0;            // dfa->class_starts.size()
      std::uint32_t state = 0;              // the automaton's state before the token
      std::uint32_t characters = 0;         // written before the token
      std::uint32_t max_length = 0;         // the node's
      bool lengths_matter = false;       // the pattern's match lengths meet minLength/maxLength
      std::array<std::uint32_t, 128> ascii_class{};  // the automaton's class of each ASCII code point
    };
    const compiled_schema* schema = nullptr;
    std::uint32_t unpatterned_room = 0;  // characters the threads no pattern decides may take
    std::array<pattern, threads_max> patterns{};
    std::size_t count = 0;
  };
  static void prepare(threads& out, const compiled_schema& schema, const json_schema_prefix::plain_string& plain);
  // One thread of the string `node`'s pattern from `pattern_state`, with no length limits and none
  // of the characters written counted (plain_end_states.hpp: where a token leads the automaton).
  static void prepare_unbounded(threads& out, const compiled_schema& schema, std::uint32_t node, std::uint32_t pattern_state);

  // `shared` must outlive the walker and its copies.
  explicit plain_pattern_walker(const threads& shared);
  // Feeds one byte of a token; false: no token with these bytes can follow.
  bool feed(unsigned char byte);
  // Pattern thread t's automaton state after the bytes fed (regex_dfa::dead when it left).
  std::uint32_t state_of(std::size_t t) const { return states_[t]; }

 private:
  bool take(std::uint32_t code_point, bool ascii);
  bool any_thread_may_take(const json_string_reader::pending_characters& pending) const;

  const threads* shared_;
  json_string_reader text_;
  std::uint32_t characters_ = 0;                     // characters of the token so far
  std::array<std::uint32_t, threads_max> states_{};  // per pattern thread; regex_dfa::dead when it left
};

}  // namespace infergrid::model

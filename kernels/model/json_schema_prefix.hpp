#pragma once
// json_schema_prefix: an incremental recogniser of output_prefix + one JSON value valid against a
// compiled schema + output_suffix, one byte at a time, with json_prefix's contract: feed() says
// whether the bytes so far can still be completed, complete() whether they already are.
// Strings follow json_string_reader (strict UTF-8 and escapes, lengths in code points; a string
// with a pattern steps its regex_dfa per character and takes a byte only when some character it
// may start or finish keeps the automaton alive, and its closing quote only in an accepting state), whitespace
// json_whitespace (bounded: at most one space, or a newline and 20 spaces/tabs between tokens, and
// before the value; none after it), numbers schema_number (ranges exact on every prefix).
// anyOf is nondeterministic: the state holds up to threads_max alternatives ("threads"), each a
// stack of frames, and drops the ones the bytes rule out. Every thread kept can still be completed
// (the compiler refused unsatisfiable parts; a value only starts where it fits under
// schema_depth_max), so the recogniser never leads a writer into a dead end.
// The state is two flat vectors; copying one reuses the target's capacity (the token mask walks a
// trie with one state per depth).
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "kernels/model/compiled_schema.hpp"
#include "kernels/model/json_string_reader.hpp"
#include "kernels/model/json_whitespace.hpp"
#include "kernels/model/schema_number.hpp"

namespace infergrid::model {

class json_schema_prefix {
 public:
  static constexpr std::size_t threads_max = 32;  // more alternatives alive at once: the later ones are dropped

  explicit json_schema_prefix(const compiled_schema& schema);

  // false: `byte` cannot continue the text (the state is then empty: feed a copy).
  bool feed(unsigned char byte);
  bool feed(std::string_view bytes) {
    for (const char c : bytes) {
      if (!feed(static_cast<unsigned char>(c))) return false;
    }
    return true;
  }
  bool complete() const;
  bool alive() const { return !ends_.empty(); }
  // No continuation from here on (what a refused feed leaves).
  void clear() {
    frames_.clear();
    ends_.clear();
  }

  // Every thread inside a string at a character boundary: a token that is whole characters with no
  // closing quote only adds its characters. Without a pattern (or past the point where it matters,
  // regex_dfa::takes_everything) some thread takes it if it has the room; with one, a token with
  // none of the `moving` characters follows the run of states most characters lead along
  // (pattern_run.hpp), and some thread takes it if its run has the room; one holding a moving
  // character must be fed. `characters_max`: the longest such token (a run is followed that far).
  // A thread whose pattern decides which characters it takes (pattern_bucket_mask.hpp).
  struct pattern_thread {
    std::uint32_t node = 0;           // the string's schema node
    std::uint32_t pattern_state = 0;  // its automaton's state
    std::uint32_t characters = 0;     // characters written so far
  };
  struct plain_string {
    std::uint32_t room = 0;     // characters the roomiest thread may still take
    bool length_free = false;   // every thread: no pattern run, no maxLength, minLength reached (the count never matters)
    std::vector<code_point_range> moving;
    std::uint32_t unpatterned_room = 0;     // the same, of the threads no pattern decides (0: none)
    std::vector<pattern_thread> patterned;  // the threads a pattern decides
  };
  std::optional<plain_string> in_plain_string(std::uint32_t characters_max = UINT32_MAX) const;
  const compiled_schema& schema() const { return *schema_; }
  bool operator==(const json_schema_prefix& other) const { return frames_ == other.frames_ && ends_ == other.ends_; }

  enum class frame_kind : std::uint8_t { document, literal, string, number, object, array };
  struct frame {
    std::uint32_t node = 0;
    frame_kind kind = frame_kind::document;
    std::uint8_t phase = 0;
    std::uint8_t depth = 0;  // containers open, this one included
    json_whitespace gap;     // containers, document: the whitespace since the last token
    std::uint32_t index = 0;  // document: affix bytes matched; object: property; array: items; string: characters
    std::uint32_t trie = 0;   // literal, object key: the literal_trie node
    json_string_reader text;  // string
    std::uint32_t pattern_state = regex_dfa::start;  // string with a pattern: its automaton's state
    number_prefix number;     // number
    bool operator==(const frame&) const = default;
  };

 private:
  friend class schema_stepper;
  struct scratch {  // buffers feed() reuses; never copied with the state
    scratch() = default;
    scratch(const scratch&) {}
    scratch& operator=(const scratch&) { return *this; }
    std::vector<frame> frames;
    std::vector<std::uint32_t> ends;
    std::vector<frame> forks;
    std::vector<std::uint32_t> fork_ends;
    std::vector<frame> saved;
  };
  void keep_distinct();

  const compiled_schema* schema_;
  std::vector<frame> frames_;        // every thread's stack, bottom first, one after the other
  std::vector<std::uint32_t> ends_;  // where each thread's frames end
  scratch scratch_;
};

}  // namespace infergrid::model

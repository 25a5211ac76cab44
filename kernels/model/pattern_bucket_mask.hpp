#pragma once
// pattern_bucket_mask: which plain string tokens (plain_token_buckets.hpp) a string with a pattern
// takes from its automaton's state, for patterns most characters leave but many tokens fit
// (`^[a-zA-Z ]*$`, `^[a-z0-9_-]+$`, `^[a-zA-Z ]{0,200}$`): pattern_run.hpp's run follows what most
// code points do (die there), and a trie walk would feed most of the vocabulary.
// Per string thread, a run is followed from its state: at each state the live target most tokens'
// first characters lead to (the state itself when it loops), for as long as the next state fits the
// lengths (past a loop or a cycle, the same states again), or until there is no live target. A bucket whose characters lead
// along the run at every state of it is a run bucket; one whose characters lead nowhere at every
// state of it, a dead bucket. A token whose buckets are all run buckets takes exactly its count of
// steps along the run (it fits when the count is within the run's room); one that starts with a
// dead bucket, or holds only run and dead buckets, is refused (the run ends where a run bucket's
// character no longer fits, so a dead character or the end of the room comes first);
// only the rest are stepped through the automaton character by character, with the checks the
// recogniser makes (schema_stepper's string_byte): maxLength before each character, a live state
// and lengths that still fit after it.
#include <array>
#include <cstdint>
#include <span>

#include "kernels/model/compiled_schema.hpp"
#include "kernels/model/json_schema_prefix.hpp"
#include "kernels/model/plain_token_buckets.hpp"

namespace infergrid::model {

struct thread_buckets {
  plain_token_buckets::bucket_set run{};   // every character leads along the run, at every state of it
  plain_token_buckets::bucket_set dead{};  // every character leads nowhere, at every state of the run
  plain_token_buckets::bucket_set dead_first{};  // every character leads nowhere from the thread's state
  std::uint32_t room = 0;       // characters along the run that still fit
  std::size_t live_first = 0;   // plain tokens whose first character is not in a dead_first bucket
  std::array<std::uint32_t, 128> ascii_class{};  // the pattern's character class of each ASCII code point
};

thread_buckets buckets_for(const compiled_schema& schema, const json_schema_prefix::pattern_thread& thread,
                           const plain_token_buckets& buckets, std::uint32_t characters_max);

enum class bucket_verdict : std::uint8_t { takes, refuses, unknown };
// Plain token i for the thread, by its buckets alone (unknown: step it with thread_takes).
inline bucket_verdict decide_by_buckets(const thread_buckets& thread, const plain_token_buckets& buckets, std::size_t i) {
  if (plain_token_buckets::has(thread.dead_first, buckets.first_bucket(i))) return bucket_verdict::refuses;
  const plain_token_buckets::bucket_set& set = buckets.buckets(i);
  bool all_run = true, run_or_dead = true;
  for (std::size_t w = 0; w < set.size(); ++w) {
    all_run = all_run && (set[w] & ~thread.run[w]) == 0;
    run_or_dead = run_or_dead && (set[w] & ~(thread.run[w] | thread.dead[w])) == 0;
  }
  // Only run characters: the count decides.
  if (all_run) return buckets.count(i) <= thread.room ? bucket_verdict::takes : bucket_verdict::refuses;
  // Run characters follow the run until a dead one ends it, or the room does.
  if (run_or_dead) return bucket_verdict::refuses;
  return bucket_verdict::unknown;
}

// The thread takes these characters, stepped one by one as the recogniser does.
bool thread_takes(const compiled_schema& schema, const json_schema_prefix::pattern_thread& thread,
                  const thread_buckets& classes, std::span<const std::uint32_t> characters);

}  // namespace infergrid::model

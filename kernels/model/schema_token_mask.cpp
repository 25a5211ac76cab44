#include "kernels/model/schema_token_mask.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "kernels/model/pattern_run.hpp"

namespace infergrid::model {
namespace {

struct string_split {
  std::uint16_t plain_chars = 0;  // whole characters at the start, fed from a character boundary
  std::size_t rest = 0;           // where the bytes after them begin (size: the token is plain)
  std::vector<std::uint32_t> characters;  // the plain characters, decoded
};

// How much of `piece`, fed inside a string at a character boundary, is whole characters that leave
// the string open.
string_split split_plain(const std::string& piece) {
  json_string_reader reader;
  string_split split;
  for (std::size_t i = 0; i < piece.size(); ++i) {
    const auto step = reader.feed(static_cast<unsigned char>(piece[i]));
    if (step == json_string_reader::step::refused || step == json_string_reader::step::closed) break;
    if (step == json_string_reader::step::character) {  // a character ends: at a boundary again
      split.rest = i + 1;
      split.characters.push_back(reader.code_point());
      if (split.plain_chars < UINT16_MAX) ++split.plain_chars;
    }
  }
  return split;
}

}  // namespace

schema_token_mask::schema_token_mask(const tokenizer& vocab, options choices)
    : choices_(choices), tokens_(vocab), plain_chars_(tokens_.size()) {
  std::vector<std::pair<std::string, token_id>> all, unplain, unplain_rest;
  std::vector<std::pair<token_id, std::vector<std::uint32_t>>> plain_characters;
  for (std::size_t id = 0; id < tokens_.size(); ++id) {
    const auto token = static_cast<token_id>(id);
    const std::string& piece = tokens_.piece(id);
    if (piece.empty()) continue;
    all.emplace_back(piece, token);
    const string_split split = split_plain(piece);
    if (split.rest == piece.size()) {
      plain_chars_[id] = split.plain_chars;
      plain_chars_max_ = std::max<std::uint32_t>(plain_chars_max_, split.plain_chars);
      plain_characters.emplace_back(token, std::move(split.characters));
      continue;
    }
    unplain.emplace_back(piece, token);
    unplain_rest.emplace_back(piece.substr(split.rest), token);
  }
  all_ = token_trie(std::move(all));
  unplain_ = token_trie(std::move(unplain));
  unplain_rest_ = token_trie(std::move(unplain_rest));
  plain_buckets_ = plain_token_buckets(plain_characters);
  plain_characters_ = plain_character_index(std::move(plain_characters));
}

bool schema_token_mask::advance(json_schema_prefix& state, token_id token) const {
  const bool known = token >= 0 && static_cast<std::size_t>(token) < tokens_.size();
  if (known && !tokens_.piece(static_cast<std::size_t>(token)).empty() && state.feed(tokens_.piece(static_cast<std::size_t>(token)))) {
    return true;
  }
  state.clear();
  return false;
}

bool schema_token_mask::shortcut_pays(const json_schema_prefix::plain_string& plain) const {
  if (plain.moving.empty()) return true;  // no pattern decides (or past where it matters)
  // A run of no characters (a tight pattern: most characters lead nowhere) rules out every plain
  // token but those few it lets through, which the trie walk finds without looking at the rest.
  if (plain.room == 0) return false;
  // Past this share of the plain tokens' characters, feeding the moved tokens one by one costs
  // about what the walk does.
  constexpr std::size_t moving_share_max = 64;
  std::size_t count = 0;
  for (const code_point_range& range : plain.moving) count += plain_characters_.count_within(range);
  return count <= plain_characters_.entries() / moving_share_max;
}

bool schema_token_mask::many_plain_tokens_start(const json_schema_prefix& state, const json_schema_prefix::plain_string& plain,
                                                scratch& buffers) const {
  buffers.threads.clear();
  std::size_t live_first = 0;
  for (const json_schema_prefix::pattern_thread& thread : plain.patterned) {
    buffers.threads.push_back(buckets_for(state.schema(), thread, plain_buckets_, plain_chars_max_));
    live_first += buffers.threads.back().live_first;
  }
  // Below this share of the plain tokens starting with a character some thread keeps, the plain
  // walk (which stops at the first byte the state refuses) costs less than a pass over every token
  // (Qwen3, schema_mask_bench: about equal near 29k of 147k; at 18-26k the walk 0.55-0.72 ms
  // against 0.73-0.85, at 80k 2.2 ms against 1.1).
  constexpr std::size_t live_share_min = 5;
  return live_first * live_share_min >= plain_buckets_.size();
}

bool schema_token_mask::buckets_pay(const scratch& buffers) const {
  // Past this share of the plain tokens left to step one by one (every 16th token counted), the
  // walk, which shares their leading bytes, costs less.
  constexpr std::size_t sample_every = 16, unknown_share_max = 4;
  std::size_t unknown = 0;
  for (std::size_t i = 0; i < plain_buckets_.size(); i += sample_every) {
    for (const thread_buckets& thread : buffers.threads) unknown += decide_by_buckets(thread, plain_buckets_, i) == bucket_verdict::unknown ? 1 : 0;
  }
  return unknown * sample_every * unknown_share_max <= plain_buckets_.size();
}

schema_token_mask::method schema_token_mask::method_for(const json_schema_prefix& state, scratch& buffers) const {
  buffers.plain.reset();
  if (!state.alive()) return method::trie_walk;
  buffers.plain = state.in_plain_string(plain_chars_max_);
  if (!buffers.plain) return method::trie_walk;
  if (shortcut_pays(*buffers.plain)) return method::plain_run;
  // Tables and buckets pass over every plain token: worth it where many of them start to fit.
  const bool many = many_plain_tokens_start(state, *buffers.plain, buffers);
  if (choices_.plain_tables && many && tables_fit(state.schema(), *buffers.plain)) return method::plain_tables;
  if (choices_.plain_buckets && (choices_.plain_buckets_always || (many && buckets_pay(buffers)))) return method::plain_buckets;
  return choices_.plain_walk && plain_pattern_walker::carries(*buffers.plain) ? method::plain_walk : method::trie_walk;
}

bool schema_token_mask::tables_fit(const compiled_schema& schema, const json_schema_prefix::plain_string& plain) const {
  if (plain.patterned.empty() || plain.patterned.size() > plain_end_states::tables_max) return false;
  return std::all_of(plain.patterned.begin(), plain.patterned.end(), [&](const json_schema_prefix::pattern_thread& thread) {
    return plain_end_states::tables(schema.patterns[schema.nodes[thread.node].pattern]);
  });
}

// A plain token of n characters fits a thread when its table has an end state for it, the thread's
// maxLength has room for n more, and (where the pattern's match lengths meet the length bounds) a
// match of the right length is still reachable from that end state: what plain_pattern_walker
// checks per character, checked once, since a state and count that can still complete a match were
// preceded only by such ones.
void schema_token_mask::allow_plain_by_tables(const compiled_schema& schema, const json_schema_prefix::plain_string& plain,
                                              scratch& buffers, std::vector<std::uint8_t>& allowed) const {
  struct tabled_thread {
    const std::uint16_t* end = nullptr;  // per token id (the table's storage outlives moves of its vector)
    const schema_node* node = nullptr;
    std::uint32_t characters = 0, room = 0;
    bool lengths_matter = false;
  };
  std::array<tabled_thread, plain_end_states::tables_max> threads{};
  const std::size_t count = plain.patterned.size();
  for (std::size_t t = 0; t < count; ++t) {
    const json_schema_prefix::pattern_thread& thread = plain.patterned[t];
    const schema_node& node = schema.nodes[thread.node];
    const auto fill = [&](std::vector<std::uint16_t>& end) {
      plain_pattern_walker::prepare_unbounded(buffers.walked, schema, thread.node, thread.pattern_state);
      all_.walk(plain_pattern_walker(buffers.walked), buffers.walkers, [&](token_id token, const plain_pattern_walker& walker) {
        if (plain_chars_[static_cast<std::size_t>(token)] != 0) end[static_cast<std::size_t>(token)] = static_cast<std::uint16_t>(walker.state_of(0));
      });
    };
    threads[t] = {.end = buffers.end_states.from(schema.patterns[node.pattern], thread.pattern_state, tokens_.size(), fill).data(),
                  .node = &node,
                  .characters = thread.characters,
                  .room = node.max_length == schema_node::unlimited ? UINT32_MAX : node.max_length - std::min(node.max_length, thread.characters),
                  .lengths_matter = !schema.pattern_lengths[node.pattern].empty()};
  }
  for (std::size_t id = 0; id < tokens_.size(); ++id) {
    const std::uint32_t n = plain_chars_[id];
    if (n == 0) continue;
    bool takes = n <= plain.unpatterned_room;
    for (std::size_t t = 0; !takes && t < count; ++t) {
      const tabled_thread& thread = threads[t];
      const std::uint16_t end = thread.end[id];
      takes = end != plain_end_states::none && n <= thread.room &&
              (!thread.lengths_matter || pattern_length_fits(schema, *thread.node, end, thread.characters + n));
    }
    allowed[id] = takes ? 1 : 0;
  }
}

void schema_token_mask::allow_plain_by_buckets(const json_schema_prefix& state, const json_schema_prefix::plain_string& plain,
                                               const scratch& buffers, std::vector<std::uint8_t>& allowed) const {
  for (std::size_t i = 0; i < plain_buckets_.size(); ++i) {
    bool takes = plain_buckets_.count(i) <= plain.unpatterned_room;
    for (std::size_t t = 0; !takes && t < buffers.threads.size(); ++t) {
      switch (decide_by_buckets(buffers.threads[t], plain_buckets_, i)) {
        case bucket_verdict::takes: takes = true; break;
        case bucket_verdict::refuses: break;
        case bucket_verdict::unknown:
          takes = thread_takes(state.schema(), plain.patterned[t], buffers.threads[t], plain_buckets_.characters(i));
          break;
      }
    }
    allowed[static_cast<std::size_t>(plain_buckets_.token(i))] = takes ? 1 : 0;
  }
}

void schema_token_mask::apply(const json_schema_prefix& state, std::span<float> logits, scratch& buffers) const {
  if (!state.alive()) return tokens_.mask_all_but_end(logits);
  const std::size_t n = std::min(logits.size(), tokens_.size());
  std::vector<std::uint8_t>& allowed = buffers.allowed;
  allowed.assign(tokens_.size(), 0);
  const auto allow = [&](token_id token, const json_schema_prefix&) { allowed[static_cast<std::size_t>(token)] = 1; };
  const method how = method_for(state, buffers);
  const auto& plain = buffers.plain;
  if (how == method::plain_run) {
    for (std::size_t id = 0; id < n; ++id) allowed[id] = plain_chars_[id] != 0 && plain_chars_[id] <= plain->room;
    // Plain tokens holding a character that moves a pattern off its run: fed whole.
    std::vector<token_id>& moved = buffers.moved;
    moved.clear();
    for (const code_point_range& range : plain->moving) plain_characters_.visit_within(range, [&](token_id t) { moved.push_back(t); });
    std::sort(moved.begin(), moved.end());
    moved.erase(std::unique(moved.begin(), moved.end()), moved.end());
    for (const token_id token : moved) {
      buffers.probe = state;
      allowed[static_cast<std::size_t>(token)] = buffers.probe->feed(tokens_.piece(static_cast<std::size_t>(token))) ? 1 : 0;
    }
    // Feeding the plain leading characters leaves a length-free string as it was.
    (plain->length_free ? unplain_rest_ : unplain_).walk(state, buffers.per_depth, allow);
  } else if (how == method::plain_buckets) {
    allow_plain_by_buckets(state, *plain, buffers, allowed);
    unplain_.walk(state, buffers.per_depth, allow);
  } else if (how == method::plain_tables) {
    allow_plain_by_tables(state.schema(), *plain, buffers, allowed);
    unplain_.walk(state, buffers.per_depth, allow);
  } else if (how == method::plain_walk) {
    plain_pattern_walker::prepare(buffers.walked, state.schema(), *plain);
    const plain_pattern_walker start(buffers.walked);
    all_.walk(start, buffers.walkers, [&](token_id token, const plain_pattern_walker&) {
      if (plain_chars_[static_cast<std::size_t>(token)] != 0) allowed[static_cast<std::size_t>(token)] = 1;
    });
    unplain_.walk(state, buffers.per_depth, allow);
  } else {
    all_.walk(state, buffers.per_depth, allow);
  }
  const bool any = tokens_.mask_refused(logits, allowed);
  // End tokens stay when the document is complete, or (defensively) when nothing else can follow.
  if (!state.complete() && any) tokens_.mask_end(logits);
}

}  // namespace infergrid::model

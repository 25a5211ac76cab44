#include "kernels/model/plain_pattern_walker.hpp"

#include "kernels/model/pattern_run.hpp"

namespace infergrid::model {

void plain_pattern_walker::prepare(threads& out, const compiled_schema& schema, const json_schema_prefix::plain_string& plain) {
  out.schema = &schema;
  out.unpatterned_room = plain.unpatterned_room;
  out.count = std::min(plain.patterned.size(), threads_max);
  for (std::size_t t = 0; t < out.count; ++t) {
    threads::pattern& p = out.patterns[t];
    p.node = &schema.nodes[plain.patterned[t].node];
    p.dfa = &schema.patterns[p.node->pattern];
    p.next = p.dfa->next.data();
    p.classes = static_cast<std::uint32_t>(p.dfa->class_starts.size());
    p.max_length = p.node->max_length;
    p.state = plain.patterned[t].pattern_state;
    p.characters = plain.patterned[t].characters;
    p.lengths_matter = !schema.pattern_lengths[p.node->pattern].empty();
    std::size_t c = 0;
    for (std::uint32_t code_point = 0; code_point < p.ascii_class.size(); ++code_point) {
      while (c + 1 < p.dfa->class_starts.size() && p.dfa->class_starts[c + 1] <= code_point) ++c;
      p.ascii_class[code_point] = static_cast<std::uint32_t>(c);
    }
  }
}

void plain_pattern_walker::prepare_unbounded(threads& out, const compiled_schema& schema, std::uint32_t node,
                                             std::uint32_t pattern_state) {
  json_schema_prefix::plain_string one;
  one.patterned.push_back({.node = node, .pattern_state = pattern_state, .characters = 0});
  prepare(out, schema, one);
  out.patterns[0].max_length = schema_node::unlimited;
  out.patterns[0].lengths_matter = false;
}

plain_pattern_walker::plain_pattern_walker(const threads& shared) : shared_(&shared) {
  states_.fill(regex_dfa::dead);
  for (std::size_t t = 0; t < shared.count; ++t) states_[t] = shared.patterns[t].state;
}

bool plain_pattern_walker::any_thread_may_take(const json_string_reader::pending_characters& pending) const {
  for (std::size_t t = 0; t < shared_->count; ++t) {
    if (states_[t] == regex_dfa::dead) continue;
    const threads::pattern& p = shared_->patterns[t];
    const std::uint32_t written = p.characters + characters_;
    if (written >= p.max_length) continue;
    const auto fits = [&](std::uint32_t next) { return pattern_length_fits(*shared_->schema, *p.node, next, written + 1); };
    for (std::uint8_t i = 0; i < pending.count; ++i) {
      if (p.dfa->steps_within(states_[t], pending.ranges[i], fits)) return true;
    }
  }
  return false;
}

bool plain_pattern_walker::take(std::uint32_t code_point, bool ascii) {
  bool any = ++characters_ <= shared_->unpatterned_room;
  for (std::size_t t = 0; t < shared_->count; ++t) {
    std::uint32_t& state = states_[t];
    if (state == regex_dfa::dead) continue;
    const threads::pattern& p = shared_->patterns[t];
    const std::uint32_t written = p.characters + characters_;  // this character included
    if (written > p.max_length) {
      state = regex_dfa::dead;
      continue;
    }
    state = ascii ? p.next[static_cast<std::size_t>(state) * p.classes + p.ascii_class[code_point]] : p.dfa->step(state, code_point);
    if (state != regex_dfa::dead && p.lengths_matter && !pattern_length_fits(*shared_->schema, *p.node, state, written)) {
      state = regex_dfa::dead;
    }
    any = any || state != regex_dfa::dead;
  }
  return any;
}

bool plain_pattern_walker::feed(unsigned char byte) {
  // A printable ASCII character other than '"' and '\\' at a character boundary is that character.
  if (byte >= 0x20 && byte < 0x80 && byte != '"' && byte != '\\' && text_.at_boundary()) return take(byte, true);
  switch (text_.feed(byte)) {
    case json_string_reader::step::refused:
    case json_string_reader::step::closed:
      return false;
    case json_string_reader::step::partial:
      // Some character this byte may be part of still fits a thread.
      return characters_ < shared_->unpatterned_room || any_thread_may_take(text_.pending());
    case json_string_reader::step::character:
      return take(text_.code_point(), text_.code_point() < 0x80);
  }
  return false;
}

}  // namespace infergrid::model

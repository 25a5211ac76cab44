#include "kernels/model/json_schema_prefix.hpp"

#include <algorithm>

#include "kernels/model/pattern_run.hpp"

#include "kernels/model/schema_stepper.hpp"

namespace infergrid::model {

json_schema_prefix::json_schema_prefix(const compiled_schema& schema) : schema_(&schema) {
  frame document{.node = schema.root, .kind = frame_kind::document};
  document.phase = schema.prefix.empty() ? schema_stepper::before_value : schema_stepper::before_prefix;
  frames_.push_back(document);
  ends_.push_back(1);
}

bool json_schema_prefix::feed(unsigned char byte) {
  if (ends_.empty()) return false;
  scratch& s = scratch_;
  s.forks.clear();
  s.fork_ends.clear();
  schema_stepper stepper(*schema_, s.forks, s.fork_ends, s.saved);
  if (ends_.size() == 1) {
    // One thread (the usual case): stepped in place.
    if (stepper.step(frames_, 0, byte)) ends_[0] = static_cast<std::uint32_t>(frames_.size());
    else clear();
  } else {
    s.frames.clear();
    s.ends.clear();
    std::uint32_t begin = 0;
    for (const std::uint32_t end : ends_) {
      const std::size_t base = s.frames.size();
      s.frames.insert(s.frames.end(), frames_.begin() + begin, frames_.begin() + end);
      begin = end;
      if (stepper.step(s.frames, base, byte)) s.ends.push_back(static_cast<std::uint32_t>(s.frames.size()));
      else s.frames.resize(base);
    }
    std::swap(frames_, s.frames);
    std::swap(ends_, s.ends);
  }
  std::uint32_t fork_begin = 0;
  for (const std::uint32_t fork_end : s.fork_ends) {
    frames_.insert(frames_.end(), s.forks.begin() + fork_begin, s.forks.begin() + fork_end);
    ends_.push_back(static_cast<std::uint32_t>(frames_.size()));
    fork_begin = fork_end;
  }
  if (ends_.size() > 1) keep_distinct();
  return !ends_.empty();
}

// Threads in the same state are one; beyond threads_max the later ones are dropped (each kept
// thread can still complete, so this narrows what may be written, never to nothing).
void json_schema_prefix::keep_distinct() {
  scratch& s = scratch_;
  s.frames.clear();
  s.ends.clear();
  std::uint32_t begin = 0;
  for (const std::uint32_t end : ends_) {
    const auto first = frames_.begin() + begin, last = frames_.begin() + end;
    begin = end;
    bool seen = false;
    std::uint32_t kept_begin = 0;
    for (const std::uint32_t kept_end : s.ends) {
      seen = seen || std::equal(first, last, s.frames.begin() + kept_begin, s.frames.begin() + kept_end);
      kept_begin = kept_end;
    }
    if (seen || s.ends.size() >= threads_max) continue;
    s.frames.insert(s.frames.end(), first, last);
    s.ends.push_back(static_cast<std::uint32_t>(s.frames.size()));
  }
  std::swap(frames_, s.frames);
  std::swap(ends_, s.ends);
}

bool json_schema_prefix::complete() const {
  std::uint32_t begin = 0;
  for (const std::uint32_t end : ends_) {
    if (schema_stepper::complete(*schema_, frames_.data() + begin, end - begin)) return true;
    begin = end;
  }
  return false;
}

std::optional<json_schema_prefix::plain_string> json_schema_prefix::in_plain_string(std::uint32_t characters_max) const {
  if (ends_.empty()) return std::nullopt;
  plain_string plain{.room = 0, .length_free = true, .moving = {}, .unpatterned_room = 0, .patterned = {}};
  for (const std::uint32_t end : ends_) {
    const frame& top = frames_[end - 1];
    if (top.kind != frame_kind::string || !top.text.at_boundary()) return std::nullopt;
    const schema_node& n = schema_->nodes[top.node];
    const bool unlimited = n.max_length == schema_node::unlimited;
    const std::uint32_t left = unlimited ? schema_node::unlimited : n.max_length - top.index;
    if (n.pattern == schema_node::none || schema_->patterns[n.pattern].takes_everything(top.pattern_state)) {
      plain.room = std::max(plain.room, left);
      plain.unpatterned_room = std::max(plain.unpatterned_room, left);
      plain.length_free = plain.length_free && unlimited && top.index >= n.min_length;
      continue;
    }
    // Which characters fit depends on the automaton: its run from here.
    plain.length_free = false;
    plain.patterned.push_back({.node = top.node, .pattern_state = top.pattern_state, .characters = top.index});
    plain.room = std::max(plain.room, plain_run(*schema_, n, top.pattern_state, top.index, std::min(left, characters_max), plain.moving));
  }
  return plain;
}

}  // namespace infergrid::model

#include "kernels/model/schema_stepper.hpp"

#include <algorithm>

#include "kernels/model/pattern_run.hpp"

namespace infergrid::model {

bool schema_stepper::start_single(std::vector<frame>& stack, std::uint32_t node, unsigned char byte) const {
  const schema_node& n = schema_.nodes[node];
  const std::uint8_t depth = stack.back().depth;
  if (depth + n.min_depth > schema_depth_max) return false;
  frame child{.node = node, .depth = depth};
  switch (n.kind) {
    case schema_kind::literals: {
      const literal_trie& trie = schema_.tries[n.trie];
      const std::uint32_t next = trie.child(literal_trie::root, byte);
      if (next == literal_trie::none) return false;
      if (!trie.has_children(next)) return true;  // a one-byte literal, already whole
      child.kind = frame_kind::literal;
      child.trie = next;
      break;
    }
    case schema_kind::string:
      if (byte != '"') return false;
      child.kind = frame_kind::string;
      break;
    case schema_kind::number:
      if (!child.number.feed(byte, n.range)) return false;
      child.kind = frame_kind::number;
      break;
    case schema_kind::object:
    case schema_kind::array:
      if (byte != (n.kind == schema_kind::object ? '{' : '[')) return false;
      child.kind = n.kind == schema_kind::object ? frame_kind::object : frame_kind::array;
      child.depth = static_cast<std::uint8_t>(depth + 1);
      break;
    case schema_kind::any_of:
      return false;  // flattened by the compiler: never an alternative
  }
  stack.push_back(child);
  return true;
}

bool schema_stepper::start_value(std::vector<frame>& stack, std::size_t base, std::uint32_t node, unsigned char byte) {
  const schema_node& n = schema_.nodes[node];
  if (n.kind != schema_kind::any_of) return start_single(stack, node, byte);
  saved_.assign(stack.begin() + static_cast<std::ptrdiff_t>(base), stack.end());
  bool kept = false;
  for (const std::uint32_t alternative : n.alternatives) {
    if (!kept) {
      kept = start_single(stack, alternative, byte);
      if (!kept) {
        stack.resize(base);
        stack.insert(stack.end(), saved_.begin(), saved_.end());
      }
      continue;
    }
    const std::size_t fork_base = forks_.size();
    forks_.insert(forks_.end(), saved_.begin(), saved_.end());
    if (start_single(forks_, alternative, byte)) fork_ends_.push_back(static_cast<std::uint32_t>(forks_.size()));
    else forks_.resize(fork_base);
  }
  return kept;
}

bool schema_stepper::document_byte(std::vector<frame>& stack, std::size_t base, unsigned char byte) {
  frame& f = stack.back();
  switch (f.phase) {
    case before_prefix:
      if (byte != static_cast<unsigned char>(schema_.prefix[f.index])) return false;
      if (++f.index == schema_.prefix.size()) {
        f.phase = before_value;
        f.index = 0;
      }
      return true;
    case before_value:
      if (json_whitespace::is_space(byte)) return f.gap.feed(byte);
      f.phase = in_suffix;
      f.index = 0;
      return start_value(stack, base, schema_.root, byte);
    default:
      if (f.index >= schema_.suffix.size() || byte != static_cast<unsigned char>(schema_.suffix[f.index])) return false;
      ++f.index;
      return true;
  }
}

bool schema_stepper::key_possible(const frame& f, const schema_node& n, std::uint32_t trie_node) const {
  const auto below = schema_.tries[n.trie].literals_below(trie_node);
  const std::uint32_t next_required = n.next_required[f.index];
  const std::uint32_t last = next_required == schema_node::none ? static_cast<std::uint32_t>(n.properties.size()) - 1 : next_required;
  for (auto it = std::lower_bound(below.begin(), below.end(), f.index); it != below.end() && *it <= last; ++it) {
    if (fits(f, n.properties[*it].value)) return true;
  }
  return false;
}

bool schema_stepper::object_byte(std::vector<frame>& stack, std::size_t base, unsigned char byte) {
  frame& f = stack.back();
  const schema_node& n = schema_.nodes[f.node];
  if (f.phase != object_key) {
    if (json_whitespace::is_space(byte)) return f.gap.feed(byte);
    f.gap.reset();
  }
  const bool closable = n.free_keys || n.next_required[f.index] == schema_node::none;
  switch (f.phase) {
    case object_open:
      if (byte == '}') {
        if (!closable) return false;
        stack.pop_back();
        return true;
      }
      [[fallthrough]];
    case object_after_comma: {
      if (byte != '"') return false;
      if (n.free_keys) {
        f.phase = object_colon;
        stack.push_back(frame{.node = n.free_key, .kind = frame_kind::string, .depth = f.depth});
        return true;
      }
      if (n.properties.empty() || f.index >= n.properties.size()) return false;
      const std::uint32_t key = schema_.tries[n.trie].child(literal_trie::root, byte);
      if (key == literal_trie::none || !key_possible(f, n, key)) return false;
      f.phase = object_key;
      f.trie = key;
      return true;
    }
    case object_key: {
      const literal_trie& trie = schema_.tries[n.trie];
      const std::uint32_t key = trie.child(f.trie, byte);
      if (key == literal_trie::none || !key_possible(f, n, key)) return false;
      f.trie = key;
      if (trie.literal_at(key) != literal_trie::none) {
        f.index = trie.literal_at(key);
        f.phase = object_colon;
      }
      return true;
    }
    case object_colon:
      if (byte != ':') return false;
      f.phase = object_value;
      return true;
    case object_value: {
      const std::uint32_t value = n.free_keys ? n.free_value : n.properties[f.index].value;
      f.phase = object_after_value;
      if (!n.free_keys) ++f.index;
      return start_value(stack, base, value, byte);
    }
    default:  // object_after_value
      if (byte == '}') {
        if (!closable) return false;
        stack.pop_back();
        return true;
      }
      if (byte != ',') return false;
      if (!n.free_keys) {
        bool any = false;
        for (std::uint32_t p = f.index; p < n.properties.size() && !any; ++p) {
          any = fits(f, n.properties[p].value);
          if (n.properties[p].required) break;
        }
        if (!any) return false;
      }
      f.phase = object_after_comma;
      return true;
  }
}

bool schema_stepper::array_byte(std::vector<frame>& stack, std::size_t base, unsigned char byte) {
  frame& f = stack.back();
  const schema_node& n = schema_.nodes[f.node];
  if (json_whitespace::is_space(byte)) return f.gap.feed(byte);
  f.gap.reset();
  switch (f.phase) {
    case array_open:
      if (byte == ']') {
        if (n.min_items > 0) return false;
        stack.pop_back();
        return true;
      }
      if (!item_possible(f, n)) return false;
      [[fallthrough]];
    case array_value: {
      const std::uint32_t item = item_at(n, f.index);
      ++f.index;
      f.phase = array_after_value;
      return start_value(stack, base, item, byte);
    }
    default:  // array_after_value
      if (byte == ']') {
        if (f.index < n.min_items) return false;
        stack.pop_back();
        return true;
      }
      if (byte != ',' || !item_possible(f, n)) return false;
      f.phase = array_value;
      return true;
  }
}

bool schema_stepper::string_byte(std::vector<frame>& stack, unsigned char byte) const {
  frame& f = stack.back();
  const schema_node& n = schema_.nodes[f.node];
  if (f.text.at_boundary() && byte != '"' && f.index >= n.max_length) return false;
  const regex_dfa* pattern = n.pattern == schema_node::none ? nullptr : &schema_.patterns[n.pattern];
  switch (f.text.feed(byte)) {
    case json_string_reader::step::refused:
      return false;
    case json_string_reader::step::partial: {
      if (pattern == nullptr) return true;
      // Some character this byte may be part of fits the pattern (and its length bounds).
      const auto pending = f.text.pending();
      const auto fits = [&](std::uint32_t next) { return pattern_length_fits(schema_, n, next, f.index + 1); };
      for (std::uint8_t i = 0; i < pending.count; ++i) {
        if (pattern->steps_within(f.pattern_state, pending.ranges[i], fits)) return true;
      }
      return false;
    }
    case json_string_reader::step::character:
      ++f.index;
      if (pattern == nullptr) return true;
      f.pattern_state = pattern->step(f.pattern_state, f.text.code_point());
      return f.pattern_state != regex_dfa::dead && pattern_length_fits(schema_, n, f.pattern_state, f.index);
    case json_string_reader::step::closed:
      if (f.index < n.min_length || (pattern != nullptr && !pattern->accepts(f.pattern_state))) return false;
      stack.pop_back();
      return true;
  }
  return false;
}

bool schema_stepper::step(std::vector<frame>& stack, std::size_t base, unsigned char byte) {
  for (;;) {
    frame& f = stack.back();
    const schema_node& n = schema_.nodes[f.node];
    switch (f.kind) {
      case frame_kind::document:
        return document_byte(stack, base, byte);
      case frame_kind::object:
        return object_byte(stack, base, byte);
      case frame_kind::array:
        return array_byte(stack, base, byte);
      case frame_kind::string:
        return string_byte(stack, byte);
      case frame_kind::literal: {
        const literal_trie& trie = schema_.tries[n.trie];
        const std::uint32_t next = trie.child(f.trie, byte);
        if (next != literal_trie::none) {
          f.trie = next;
          if (!trie.has_children(next)) stack.pop_back();
          return true;
        }
        if (trie.literal_at(f.trie) == literal_trie::none) return false;
        stack.pop_back();  // the literal ended before this byte, which its container reads
        continue;
      }
      case frame_kind::number:
        if (f.number.feed(byte, n.range)) return true;
        if (!f.number.can_end(n.range)) return false;
        stack.pop_back();  // the number ended before this byte
        continue;
    }
    return false;
  }
}

bool schema_stepper::complete(const compiled_schema& schema, const frame* stack, std::size_t size) {
  std::size_t top = size - 1;
  if (top > 0) {
    const frame& f = stack[top];
    const schema_node& n = schema.nodes[f.node];
    const bool ends = (f.kind == frame_kind::number && f.number.can_end(n.range)) ||
                      (f.kind == frame_kind::literal && schema.tries[n.trie].literal_at(f.trie) != literal_trie::none);
    if (!ends) return false;
    --top;
  }
  return top == 0 && stack[0].phase == in_suffix && stack[0].index == schema.suffix.size();
}

}  // namespace infergrid::model

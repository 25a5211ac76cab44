#pragma once
// schema_stepper: json_schema_prefix's transition function. step() feeds one byte to one thread,
// the stack stack[base..]; when a value of an anyOf starts, the first alternative the byte allows
// continues in place and the others are appended to `forks` as whole threads (ends in fork_ends).
#include <cstdint>
#include <vector>

#include "kernels/model/json_schema_prefix.hpp"

namespace infergrid::model {

class schema_stepper {
 public:
  using frame = json_schema_prefix::frame;
  using frame_kind = json_schema_prefix::frame_kind;
  enum document_phase : std::uint8_t { before_prefix, before_value, in_suffix };
  enum object_phase : std::uint8_t { object_open, object_key, object_colon, object_value, object_after_value, object_after_comma };
  enum array_phase : std::uint8_t { array_open, array_value, array_after_value };

  schema_stepper(const compiled_schema& schema, std::vector<frame>& forks, std::vector<std::uint32_t>& fork_ends,
                 std::vector<frame>& saved)
      : schema_(schema), forks_(forks), fork_ends_(fork_ends), saved_(saved) {}

  bool step(std::vector<frame>& stack, std::size_t base, unsigned char byte);
  // The thread stack[base..end) is a whole document (a number or literal on top may end here).
  static bool complete(const compiled_schema& schema, const frame* stack, std::size_t size);

 private:
  bool start_value(std::vector<frame>& stack, std::size_t base, std::uint32_t node, unsigned char byte);
  bool start_single(std::vector<frame>& stack, std::uint32_t node, unsigned char byte) const;
  bool document_byte(std::vector<frame>& stack, std::size_t base, unsigned char byte);
  bool object_byte(std::vector<frame>& stack, std::size_t base, unsigned char byte);
  bool array_byte(std::vector<frame>& stack, std::size_t base, unsigned char byte);
  bool string_byte(std::vector<frame>& stack, unsigned char byte) const;
  bool fits(const frame& container, std::uint32_t node) const {
    return container.depth + schema_.nodes[node].min_depth <= schema_depth_max;
  }
  // Object: some property in [f.index, the next required one] the key bytes so far still lead to.
  bool key_possible(const frame& f, const schema_node& n, std::uint32_t trie_node) const;
  std::uint32_t item_at(const schema_node& n, std::uint32_t index) const {
    return index < n.prefix_items.size() ? n.prefix_items[index] : n.items;
  }
  bool item_possible(const frame& f, const schema_node& n) const {
    const std::uint32_t item = item_at(n, f.index);
    return f.index < n.max_items && item != schema_node::none && fits(f, item);
  }

  const compiled_schema& schema_;
  std::vector<frame>& forks_;
  std::vector<std::uint32_t>& fork_ends_;
  std::vector<frame>& saved_;
};

}  // namespace infergrid::model

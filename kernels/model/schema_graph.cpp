#include "kernels/model/schema_graph.hpp"

#include <algorithm>
#include <string>

namespace infergrid::model {
namespace {

constexpr std::uint16_t unreachable = schema_node::unreachable_depth;

std::uint16_t deeper(std::uint16_t depth) { return depth >= schema_depth_max ? unreachable : static_cast<std::uint16_t>(depth + 1); }

std::uint16_t min_depth_of(const compiled_schema& schema, const schema_node& node) {
  const auto depth_of = [&](std::uint32_t id) { return schema.nodes[id].min_depth; };
  switch (node.kind) {
    case schema_kind::literals:
    case schema_kind::string:
    case schema_kind::number:
      return 0;
    case schema_kind::object: {
      std::uint16_t inner = 0;
      for (const schema_property& p : node.properties) {
        if (p.required) inner = std::max(inner, depth_of(p.value));
      }
      return inner == unreachable ? unreachable : deeper(inner);
    }
    case schema_kind::array: {
      std::uint16_t inner = 0;
      for (std::uint32_t i = 0; i < node.min_items; ++i) {
        inner = std::max(inner, depth_of(i < node.prefix_items.size() ? node.prefix_items[i] : node.items));
        if (i >= node.prefix_items.size()) break;  // the rest share `items`
      }
      return inner == unreachable ? unreachable : deeper(inner);
    }
    case schema_kind::any_of: {
      std::uint16_t best = unreachable;
      for (const std::uint32_t a : node.alternatives) best = std::min(best, depth_of(a));
      return best;
    }
  }
  return unreachable;
}

// An any_of reaching itself through any_of nodes alone: starting a value there would never end.
bool any_of_cycle(const compiled_schema& schema, std::uint32_t id, std::vector<std::uint8_t>& marks) {
  if (marks[id] == 2) return false;
  if (marks[id] == 1) return true;
  marks[id] = 1;
  for (const std::uint32_t a : schema.nodes[id].alternatives) {
    if (schema.nodes[a].kind == schema_kind::any_of && any_of_cycle(schema, a, marks)) return true;
  }
  marks[id] = 2;
  return false;
}

void collect_leaves(const compiled_schema& schema, std::uint32_t id, std::vector<std::uint32_t>& leaves) {
  for (const std::uint32_t a : schema.nodes[id].alternatives) {
    if (schema.nodes[a].kind == schema_kind::any_of) collect_leaves(schema, a, leaves);
    else if (std::find(leaves.begin(), leaves.end(), a) == leaves.end()) leaves.push_back(a);
  }
}

}  // namespace

status finish_schema_graph(compiled_schema& schema) {
  std::vector<std::uint8_t> marks(schema.nodes.size(), 0);
  for (std::uint32_t id = 0; id < schema.nodes.size(); ++id) {
    if (schema.nodes[id].kind == schema_kind::any_of && any_of_cycle(schema, id, marks)) {
      return make_error(error_code::invalid_argument, "output_schema: a $ref/anyOf cycle resolves to no value");
    }
  }
  // anyOf of anyOf (and $ref aliases) become one list of non-anyOf alternatives.
  std::vector<std::vector<std::uint32_t>> leaves(schema.nodes.size());
  for (std::uint32_t id = 0; id < schema.nodes.size(); ++id) {
    if (schema.nodes[id].kind == schema_kind::any_of) collect_leaves(schema, id, leaves[id]);
  }
  for (std::uint32_t id = 0; id < schema.nodes.size(); ++id) {
    if (schema.nodes[id].kind == schema_kind::any_of) schema.nodes[id].alternatives = std::move(leaves[id]);
  }
  for (schema_node& node : schema.nodes) node.min_depth = unreachable;
  // Each round can only lower depths; they settle within one round per node.
  for (std::size_t round = 0; round <= schema.nodes.size(); ++round) {
    bool changed = false;
    for (schema_node& node : schema.nodes) {
      const std::uint16_t depth = min_depth_of(schema, node);
      if (depth < node.min_depth) {
        node.min_depth = depth;
        changed = true;
      }
    }
    if (!changed) break;
  }
  if (schema.nodes[schema.root].min_depth > schema_depth_max) {
    return make_error(error_code::invalid_argument, "output_schema: every value nests deeper than " +
                                                        std::to_string(schema_depth_max) +
                                                        " levels (a required property or item refers back to itself)");
  }
  return {};
}

}  // namespace infergrid::model

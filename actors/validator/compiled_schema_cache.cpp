#include "actors/validator/compiled_schema_cache.hpp"

#include <algorithm>

#include "kernels/model/json_schema_compiler.hpp"

namespace infergrid::validator {

result<const model::compiled_schema*> compiled_schema_cache::get(const sampling_params& params) {
  // Lengths first, so no two (schema, prefix, suffix) triples share a key.
  const std::string key = std::to_string(params.output_schema.size()) + ":" + std::to_string(params.output_prefix.size()) +
                          ":" + params.output_schema + params.output_prefix + params.output_suffix;
  ++uses_;
  for (entry& e : entries_) {
    if (e.key == key) {
      e.last_used = uses_;
      return e.schema.get();
    }
  }
  auto compiled = model::compile_json_schema(params.output_schema, params.output_prefix, params.output_suffix);
  if (!compiled.ok()) return compiled.err();
  if (entries_.size() >= capacity_ && !entries_.empty()) {
    entries_.erase(std::min_element(entries_.begin(), entries_.end(),
                                    [](const entry& a, const entry& b) { return a.last_used < b.last_used; }));
  }
  entries_.push_back({key, std::make_unique<const model::compiled_schema>(std::move(*compiled)), uses_});
  return entries_.back().schema.get();
}

}  // namespace infergrid::validator

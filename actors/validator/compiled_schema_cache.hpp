#pragma once
// compiled_schema_cache: the validator's most recently used compiled output schemas, so auditing
// many jobs of one structured-output client compiles its schema once. Keyed by output_schema,
// output_prefix and output_suffix; the least recently used entry leaves when the cache is full.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/model/compiled_schema.hpp"
#include "messages/inference.hpp"
#include "runtime/result.hpp"

namespace infergrid::validator {

class compiled_schema_cache {
 public:
  explicit compiled_schema_cache(std::size_t capacity = 16) : capacity_(capacity) {}

  // The compiled schema of a json_schema request (valid until the next call), or the compiler's error.
  result<const model::compiled_schema*> get(const sampling_params& params);
  std::size_t size() const { return entries_.size(); }

 private:
  struct entry {
    std::string key;
    std::unique_ptr<const model::compiled_schema> schema;
    std::uint64_t last_used = 0;
  };
  std::size_t capacity_;
  std::vector<entry> entries_;
  std::uint64_t uses_ = 0;
};

}  // namespace infergrid::validator

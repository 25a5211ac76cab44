#pragma once
// gguf_writer: builds a GGUF v3 file — metadata of any value type and tensors of F32/F16/Q8_0/Q4_0 —
// for tests, benchmarks and the random Llama generator. Metadata keeps insertion order; tensors are
// laid out in insertion order, each at an offset aligned to `general.alignment`.
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "kernels/model/ggml_type.hpp"
#include "kernels/model/gguf_value.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

class gguf_writer {
 public:
  // alignment: written as general.alignment when not the GGUF default.
  explicit gguf_writer(std::uint32_t alignment = 32);

  // Sets (or replaces) a metadata value.
  void set(const std::string& key, gguf_value value);
  void set_u32(const std::string& key, std::uint32_t v);
  void set_f32(const std::string& key, float v);
  void set_bool(const std::string& key, bool v);
  void set_string(const std::string& key, std::string v);
  void set_string_array(const std::string& key, std::span<const std::string> items);
  void set_f32_array(const std::string& key, std::span<const float> items);
  void set_i32_array(const std::string& key, std::span<const std::int32_t> items);

  // Adds a tensor given in `type`'s byte layout; dims are GGUF ne (dims[0] contiguous).
  status add_tensor_bytes(const std::string& name, ggml_type type, std::vector<std::uint64_t> dims,
                          std::vector<std::byte> bytes);
  // Converts `values` (row-major, rows of dims[0]) to `type` and adds the tensor.
  status add_tensor(const std::string& name, ggml_type type, std::vector<std::uint64_t> dims,
                    std::span<const float> values);

  // Removes a tensor added earlier; false when there is none of that name.
  bool remove_tensor(const std::string& name);

  status write(const std::string& path) const;
  void write(std::ostream& out) const;
  std::vector<std::byte> serialize() const;

 private:
  struct tensor_entry {
    std::string name;
    ggml_type type;
    std::vector<std::uint64_t> dims;
    std::vector<std::byte> bytes;
  };

  std::uint32_t alignment_;
  std::vector<std::pair<std::string, gguf_value>> metadata_;
  std::vector<tensor_entry> tensors_;
};

}  // namespace infergrid::model

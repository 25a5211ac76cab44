#pragma once
// gguf_file: a validated, memory-mapped GGUF (v2/v3) file. `open` checks the whole header — magic,
// version, every metadata value, every tensor's name, shape, type, offset and alignment, and that its
// bytes lie inside the file — so that afterwards tensor data can be used straight from the mapping.
// Any problem is an error naming what is wrong (the tensor, the key, the offset).
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/model/ggml_type.hpp"
#include "kernels/model/gguf_value.hpp"
#include "kernels/model/mapped_file.hpp"
#include "runtime/identity.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

struct gguf_tensor {
  std::string name;
  ggml_type type = ggml_type::f32;
  std::vector<std::uint64_t> dims;  // ne: dims[0] is the contiguous dimension; 1..4 entries
  std::uint64_t n_elements = 0;
  std::uint64_t offset = 0;         // relative to the start of the tensor data section
  const std::byte* data = nullptr;  // inside the mapping
  std::size_t bytes = 0;
};

// "[64, 600]": a tensor's dims (ne order), for errors.
std::string shape_text(const std::vector<std::uint64_t>& dims);

class gguf_file {
 public:
  static result<gguf_file> open(const std::string& path);

  std::uint32_t version() const { return version_; }
  std::uint32_t alignment() const { return alignment_; }
  // The whole mapped file (e.g. for hashing).
  std::span<const std::byte> file_bytes() const { return mapping_.bytes(); }
  // BLAKE2b-256 of the whole file, computed on first use (reads every byte once) and cached; thread-safe.
  const digest& content_hash() const;
  // Drops the mapped pages from the resident set (see mapped_file::release_resident_pages).
  void release_resident_pages() const { mapping_.release_resident_pages(); }

  // Metadata in key order.
  const std::map<std::string, gguf_value, std::less<>>& metadata() const { return metadata_; }
  bool has(std::string_view key) const { return metadata_.find(key) != metadata_.end(); }
  // The raw value; not_found error naming the key when absent.
  result<const gguf_value*> find(std::string_view key) const;

  // Typed getters: not_found when the key is absent, malformed_input when the type does not coerce.
  result<std::uint32_t> get_u32(std::string_view key) const;
  result<std::uint64_t> get_u64(std::string_view key) const;
  result<std::int32_t> get_i32(std::string_view key) const;
  result<float> get_f32(std::string_view key) const;
  result<bool> get_bool(std::string_view key) const;
  result<std::string> get_string(std::string_view key) const;
  result<std::vector<std::string>> get_string_array(std::string_view key) const;
  result<std::vector<float>> get_f32_array(std::string_view key) const;
  result<std::vector<std::int32_t>> get_i32_array(std::string_view key) const;

  // Tensors in file order.
  const std::vector<gguf_tensor>& tensors() const { return tensors_; }
  // nullptr when absent.
  const gguf_tensor* find_tensor(std::string_view name) const;

 private:
  friend class gguf_parser;
  gguf_file() = default;

  mapped_file mapping_;
  std::uint32_t version_ = 0;
  std::uint32_t alignment_ = 0;
  std::map<std::string, gguf_value, std::less<>> metadata_;
  std::vector<gguf_tensor> tensors_;
  std::map<std::string, std::size_t, std::less<>> tensor_index_;
  struct hash_cache {
    std::once_flag once;
    digest value{};
  };
  std::unique_ptr<hash_cache> hash_ = std::make_unique<hash_cache>();  // heap-held so the file stays movable
};

}  // namespace infergrid::model

#pragma once
// gguf_reader: a bounds-checked little-endian cursor over the bytes of a GGUF file. Every read checks
// the bytes remaining first, so a truncated or corrupt file yields an error naming what was being
// read and at which offset — never a read past the end, never an allocation the file cannot back.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "kernels/model/gguf_value.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

class gguf_reader {
 public:
  explicit gguf_reader(std::span<const std::byte> bytes) : bytes_(bytes) {}

  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return bytes_.size() - offset_; }

  result<std::uint32_t> read_u32(std::string_view what);
  result<std::uint64_t> read_u64(std::string_view what);
  // A GGUF string: u64 length then bytes (not NUL-terminated), length bounded by gguf_string_bytes_max.
  result<std::string> read_string(std::string_view what);
  // A metadata value of `type` (arrays read recursively, depth bounded by gguf_array_depth_max; the
  // elements of all arrays one reader reads bounded by gguf_metadata_array_items_total_max).
  result<gguf_value> read_value(gguf_value_type type, std::string_view what, std::size_t depth = 0);

 private:
  status need(std::size_t count, std::string_view what) const;
  void copy_out(void* out, std::size_t count);
  result<gguf_value> read_scalar(gguf_value_type type, std::string_view what);
  result<gguf_value> read_array(std::string_view what, std::size_t depth);

  std::span<const std::byte> bytes_;
  std::size_t offset_ = 0;
  std::uint64_t array_items_read_ = 0;  // over every array read so far: gguf_metadata_array_items_total_max
};

}  // namespace infergrid::model

#pragma once
// msgpack_reader: a bounds-checked cursor over untrusted MessagePack bytes for the envelope's
// fixed layout. It allocates nothing (strings and binaries are views into the input) and every
// failure — truncation, a wrong type, nesting too deep — is an error value naming the field.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "runtime/result.hpp"

namespace infergrid {

class msgpack_reader {
 public:
  explicit msgpack_reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  result<std::uint32_t> read_array_header(const char* field);
  result<std::uint64_t> read_unsigned(const char* field);
  result<std::int64_t> read_signed(const char* field);
  result<std::string_view> read_str(const char* field);
  result<std::span<const std::uint8_t>> read_bin(const char* field);
  // True (and consumed) when the next value is nil.
  bool read_nil();
  // Skips one value of any type (appended fields this version does not know).
  status skip_value(const char* field);

  std::size_t remaining() const { return bytes_.size() - offset_; }

 private:
  status need(std::size_t count, const char* field) const;
  std::uint64_t take_big_endian(std::size_t count);
  status skip_value_at_depth(const char* field, int depth);
  result<std::uint32_t> read_length(std::uint8_t tag, const char* field, std::uint8_t fix_base, std::uint8_t fix_mask,
                                    std::uint8_t tag8, std::uint8_t tag16, std::uint8_t tag32, const char* kind);

  std::span<const std::uint8_t> bytes_;
  std::size_t offset_ = 0;
};

}  // namespace infergrid

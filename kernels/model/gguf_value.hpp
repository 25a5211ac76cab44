#pragma once
// gguf_value: one GGUF metadata value (any of the spec's 13 types, arrays possibly nested), and the
// coercing accessors the loader's getters use. Integers coerce among integer types only where the
// value fits; floats come from float32/float64.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/result.hpp"

namespace infergrid::model {

// Type ids fixed by the GGUF spec.
enum class gguf_value_type : std::uint32_t {
  uint8 = 0,
  int8 = 1,
  uint16 = 2,
  int16 = 3,
  uint32 = 4,
  int32 = 5,
  float32 = 6,
  boolean = 7,
  string = 8,
  array = 9,
  uint64 = 10,
  int64 = 11,
  float64 = 12,
};

// The type for a raw id, or nullopt for an id outside the spec.
std::optional<gguf_value_type> value_type_from_id(std::uint32_t raw);
std::string_view to_string(gguf_value_type type);
// Bytes of one scalar on disk; 0 for string and array (variable length).
std::size_t scalar_bytes(gguf_value_type type);
bool is_unsigned_integer(gguf_value_type type);
bool is_signed_integer(gguf_value_type type);
bool is_float(gguf_value_type type);

struct gguf_value {
  gguf_value_type type = gguf_value_type::uint8;
  std::uint64_t unsigned_value = 0;  // uint8..uint64 and boolean (0/1)
  std::int64_t signed_value = 0;     // int8..int64
  double float_value = 0.0;          // float32, float64
  std::string string_value;
  gguf_value_type element_type = gguf_value_type::uint8;  // arrays only
  std::vector<gguf_value> items;                           // arrays only

  static gguf_value of_unsigned(gguf_value_type type, std::uint64_t v);
  static gguf_value of_signed(gguf_value_type type, std::int64_t v);
  static gguf_value of_float(gguf_value_type type, double v);
  static gguf_value of_bool(bool v);
  static gguf_value of_string(std::string v);
  static gguf_value of_array(gguf_value_type element_type, std::vector<gguf_value> items);
};

// Coercions; `what` names the key in the error ("llama.block_count is int32 -5, not a u32").
result<std::uint64_t> as_u64(const gguf_value& v, std::string_view what);
result<std::uint32_t> as_u32(const gguf_value& v, std::string_view what);
result<std::int64_t> as_i64(const gguf_value& v, std::string_view what);
result<std::int32_t> as_i32(const gguf_value& v, std::string_view what);
result<float> as_f32(const gguf_value& v, std::string_view what);
result<bool> as_bool(const gguf_value& v, std::string_view what);
result<std::string> as_string(const gguf_value& v, std::string_view what);
result<std::vector<std::string>> as_string_array(const gguf_value& v, std::string_view what);
result<std::vector<float>> as_f32_array(const gguf_value& v, std::string_view what);
result<std::vector<std::int32_t>> as_i32_array(const gguf_value& v, std::string_view what);

}  // namespace infergrid::model

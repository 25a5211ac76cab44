#include "kernels/model/gguf_reader.hpp"

#include <bit>
#include <cstring>
#include <vector>

#include "kernels/model/gguf_limits.hpp"

static_assert(std::endian::native == std::endian::little, "the GGUF reader assumes a little-endian host");

namespace infergrid::model {

status gguf_reader::need(std::size_t count, std::string_view what) const {
  if (count <= remaining()) return {};
  return make_error(error_code::malformed_input,
                    "GGUF truncated: reading " + std::string(what) + " at offset " + std::to_string(offset_) +
                        " needs " + std::to_string(count) + " bytes, only " + std::to_string(remaining()) + " left");
}

void gguf_reader::copy_out(void* out, std::size_t count) {
  std::memcpy(out, bytes_.data() + offset_, count);
  offset_ += count;
}

result<std::uint32_t> gguf_reader::read_u32(std::string_view what) {
  IG_TRY(need(4, what));
  std::uint32_t v = 0;
  copy_out(&v, 4);
  return v;
}

result<std::uint64_t> gguf_reader::read_u64(std::string_view what) {
  IG_TRY(need(8, what));
  std::uint64_t v = 0;
  copy_out(&v, 8);
  return v;
}

result<std::string> gguf_reader::read_string(std::string_view what) {
  auto length = read_u64(what);  // the length prefix
  if (!length) return length.err();
  if (*length > gguf_string_bytes_max) {
    return make_error(error_code::too_large, std::string(what) + " at offset " + std::to_string(offset_ - 8) +
                                                 " claims " + std::to_string(*length) + " bytes (limit " +
                                                 std::to_string(gguf_string_bytes_max) + ")");
  }
  const auto count = static_cast<std::size_t>(*length);
  IG_TRY(need(count, what));
  std::string out(reinterpret_cast<const char*>(bytes_.data() + offset_), count);
  offset_ += count;
  return out;
}

result<gguf_value> gguf_reader::read_scalar(gguf_value_type type, std::string_view what) {
  const std::size_t size = scalar_bytes(type);
  IG_TRY(need(size, what));
  const std::byte* p = bytes_.data() + offset_;
  offset_ += size;
  const auto load = [p](auto sample) {
    decltype(sample) v{};
    std::memcpy(&v, p, sizeof v);
    return v;
  };
  switch (type) {
    case gguf_value_type::uint8: return gguf_value::of_unsigned(type, load(std::uint8_t{}));
    case gguf_value_type::uint16: return gguf_value::of_unsigned(type, load(std::uint16_t{}));
    case gguf_value_type::uint32: return gguf_value::of_unsigned(type, load(std::uint32_t{}));
    case gguf_value_type::uint64: return gguf_value::of_unsigned(type, load(std::uint64_t{}));
    case gguf_value_type::int8: return gguf_value::of_signed(type, load(std::int8_t{}));
    case gguf_value_type::int16: return gguf_value::of_signed(type, load(std::int16_t{}));
    case gguf_value_type::int32: return gguf_value::of_signed(type, load(std::int32_t{}));
    case gguf_value_type::int64: return gguf_value::of_signed(type, load(std::int64_t{}));
    case gguf_value_type::float32: return gguf_value::of_float(type, load(float{}));
    case gguf_value_type::float64: return gguf_value::of_float(type, load(double{}));
    case gguf_value_type::boolean: {
      const std::uint8_t raw = load(std::uint8_t{});
      if (raw > 1) {
        return make_error(error_code::malformed_input, std::string(what) + " is a bool with byte value " +
                                                           std::to_string(raw) + " (must be 0 or 1)");
      }
      return gguf_value::of_bool(raw != 0);
    }
    case gguf_value_type::string:
    case gguf_value_type::array: break;
  }
  return make_error(error_code::internal, "read_scalar called for a non-scalar type");
}

result<gguf_value> gguf_reader::read_array(std::string_view what, std::size_t depth) {
  if (depth >= gguf_array_depth_max) {
    return make_error(error_code::unsupported, std::string(what) + ": arrays nested deeper than " +
                                                   std::to_string(gguf_array_depth_max));
  }
  auto raw_type = read_u32(std::string(what) + " element type");
  if (!raw_type) return raw_type.err();
  const auto element_type = value_type_from_id(*raw_type);
  if (!element_type) {
    return make_error(error_code::malformed_input,
                      std::string(what) + " has unknown array element type id " + std::to_string(*raw_type));
  }
  auto count = read_u64(std::string(what) + " element count");
  if (!count) return count.err();
  // The file must hold at least the smallest encoding of every element (a scalar's size, a string's or
  // an array's length prefix), so a hostile count cannot make us allocate memory the file cannot back.
  std::size_t element_bytes_min = scalar_bytes(*element_type);
  if (*element_type == gguf_value_type::string) element_bytes_min = 8;
  if (*element_type == gguf_value_type::array) element_bytes_min = 12;
  if (*count > remaining() / element_bytes_min) {
    return make_error(error_code::too_large, std::string(what) + " claims " + std::to_string(*count) +
                                                 " elements; only " + std::to_string(remaining()) + " bytes remain");
  }
  if (*count > gguf_metadata_array_items_total_max - array_items_read_) {
    return make_error(error_code::too_large,
                      std::string(what) + " claims " + std::to_string(*count) + " elements after " +
                          std::to_string(array_items_read_) + " in earlier arrays: more than the " +
                          std::to_string(gguf_metadata_array_items_total_max) +
                          " that all metadata arrays of a file may hold together");
  }
  array_items_read_ += *count;
  std::vector<gguf_value> items;
  items.reserve(static_cast<std::size_t>(*count));
  for (std::uint64_t i = 0; i < *count; ++i) {
    auto item = read_value(*element_type, what, depth + 1);
    if (!item) return item.err();
    items.push_back(std::move(*item));
  }
  return gguf_value::of_array(*element_type, std::move(items));
}

result<gguf_value> gguf_reader::read_value(gguf_value_type type, std::string_view what, std::size_t depth) {
  if (type == gguf_value_type::array) return read_array(what, depth);
  if (type == gguf_value_type::string) {
    auto s = read_string(what);
    if (!s) return s.err();
    return gguf_value::of_string(std::move(*s));
  }
  return read_scalar(type, what);
}

}  // namespace infergrid::model

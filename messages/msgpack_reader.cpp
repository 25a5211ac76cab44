#include "messages/msgpack_reader.hpp"

namespace infergrid {
namespace {

// Deepest nesting skip_value follows; envelopes are flat, so this only bounds hostile input.
constexpr int max_skip_depth = 32;

error malformed(const char* field, const char* what) {
  return make_error(error_code::malformed_input, std::string("envelope: ") + field + " " + what);
}

}  // namespace

status msgpack_reader::need(std::size_t count, const char* field) const {
  if (remaining() < count) return malformed(field, "is truncated");
  return {};
}

std::uint64_t msgpack_reader::take_big_endian(std::size_t count) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < count; ++i) value = (value << 8) | bytes_[offset_ + i];
  offset_ += count;
  return value;
}

result<std::uint32_t> msgpack_reader::read_length(std::uint8_t tag, const char* field, std::uint8_t fix_base,
                                                  std::uint8_t fix_mask, std::uint8_t tag8, std::uint8_t tag16,
                                                  std::uint8_t tag32, const char* kind) {
  std::size_t width = 0;
  if (fix_mask != 0 && (tag & static_cast<std::uint8_t>(~fix_mask)) == fix_base) return tag & fix_mask;
  if (tag8 != 0 && tag == tag8) width = 1;
  else if (tag == tag16) width = 2;
  else if (tag == tag32) width = 4;
  else return malformed(field, kind);
  IG_TRY(need(width, field));
  return static_cast<std::uint32_t>(take_big_endian(width));
}

result<std::uint32_t> msgpack_reader::read_array_header(const char* field) {
  IG_TRY(need(1, field));
  const auto tag = bytes_[offset_++];
  auto count = read_length(tag, field, 0x90, 0x0f, 0, 0xdc, 0xdd, "is not an array");
  if (!count.ok()) return count.err();
  // Every element takes at least one byte: a longer count is a lie.
  if (*count > remaining()) return malformed(field, "claims more elements than there are bytes");
  return count;
}

result<std::uint64_t> msgpack_reader::read_unsigned(const char* field) {
  IG_TRY(need(1, field));
  const auto tag = bytes_[offset_++];
  if (tag <= 0x7f) return std::uint64_t{tag};
  std::size_t width = 0;
  switch (tag) {
    case 0xcc: width = 1; break;
    case 0xcd: width = 2; break;
    case 0xce: width = 4; break;
    case 0xcf: width = 8; break;
    default: return malformed(field, "is not an unsigned integer");
  }
  IG_TRY(need(width, field));
  return take_big_endian(width);
}

result<std::int64_t> msgpack_reader::read_signed(const char* field) {
  IG_TRY(need(1, field));
  const auto tag = bytes_[offset_];
  if (tag >= 0xe0) {
    ++offset_;
    return static_cast<std::int64_t>(static_cast<std::int8_t>(tag));
  }
  std::size_t width = 0;
  switch (tag) {
    case 0xd0: width = 1; break;
    case 0xd1: width = 2; break;
    case 0xd2: width = 4; break;
    case 0xd3: width = 8; break;
    default: {
      auto value = read_unsigned(field);
      if (!value.ok()) return value.err();
      if (*value > static_cast<std::uint64_t>(INT64_MAX)) return malformed(field, "is out of range");
      return static_cast<std::int64_t>(*value);
    }
  }
  ++offset_;
  IG_TRY(need(width, field));
  const auto raw = take_big_endian(width);
  const auto shift = static_cast<int>(64 - 8 * width);
  // Sign-extend from `width` bytes.
  return static_cast<std::int64_t>(raw << shift) >> shift;
}

result<std::string_view> msgpack_reader::read_str(const char* field) {
  IG_TRY(need(1, field));
  const auto tag = bytes_[offset_++];
  auto size = read_length(tag, field, 0xa0, 0x1f, 0xd9, 0xda, 0xdb, "is not a string");
  if (!size.ok()) return size.err();
  IG_TRY(need(*size, field));
  std::string_view out(reinterpret_cast<const char*>(bytes_.data() + offset_), *size);
  offset_ += *size;
  return out;
}

result<std::span<const std::uint8_t>> msgpack_reader::read_bin(const char* field) {
  IG_TRY(need(1, field));
  const auto tag = bytes_[offset_++];
  auto size = read_length(tag, field, 0, 0, 0xc4, 0xc5, 0xc6, "is not binary");
  if (!size.ok()) return size.err();
  IG_TRY(need(*size, field));
  auto out = bytes_.subspan(offset_, *size);
  offset_ += *size;
  return out;
}

bool msgpack_reader::read_nil() {
  if (remaining() == 0 || bytes_[offset_] != 0xc0) return false;
  ++offset_;
  return true;
}

status msgpack_reader::skip_value(const char* field) { return skip_value_at_depth(field, 0); }

status msgpack_reader::skip_value_at_depth(const char* field, int depth) {
  if (depth > max_skip_depth) return malformed(field, "nests too deeply");
  IG_TRY(need(1, field));
  const auto tag = bytes_[offset_];
  if (tag <= 0x7f || tag >= 0xe0 || tag == 0xc0 || tag == 0xc2 || tag == 0xc3) {
    ++offset_;
    return {};
  }
  if ((tag >= 0xcc && tag <= 0xcf) || (tag >= 0xd0 && tag <= 0xd3)) {
    const std::size_t width = std::size_t{1} << (tag & 0x03);
    ++offset_;
    IG_TRY(need(width, field));
    offset_ += width;
    return {};
  }
  if (tag == 0xca || tag == 0xcb) {
    const std::size_t width = tag == 0xca ? 4 : 8;
    ++offset_;
    IG_TRY(need(width, field));
    offset_ += width;
    return {};
  }
  if ((tag >= 0xa0 && tag <= 0xbf) || (tag >= 0xd9 && tag <= 0xdb)) {
    auto text = read_str(field);
    if (!text.ok()) return text.err();
    return {};
  }
  if (tag >= 0xc4 && tag <= 0xc6) {
    auto bin = read_bin(field);
    if (!bin.ok()) return bin.err();
    return {};
  }
  if ((tag >= 0x90 && tag <= 0x9f) || tag == 0xdc || tag == 0xdd || (tag >= 0x80 && tag <= 0x8f) || tag == 0xde ||
      tag == 0xdf) {
    const bool is_map = (tag >= 0x80 && tag <= 0x8f) || tag == 0xde || tag == 0xdf;
    ++offset_;
    auto count = is_map ? read_length(tag, field, 0x80, 0x0f, 0, 0xde, 0xdf, "is not a map")
                        : read_length(tag, field, 0x90, 0x0f, 0, 0xdc, 0xdd, "is not an array");
    if (!count.ok()) return count.err();
    const std::uint64_t elements = std::uint64_t{*count} * (is_map ? 2 : 1);
    if (elements > remaining()) return malformed(field, "claims more elements than there are bytes");
    for (std::uint64_t i = 0; i < elements; ++i) IG_TRY(skip_value_at_depth(field, depth + 1));
    return {};
  }
  return malformed(field, "holds an unsupported MessagePack type");
}

}  // namespace infergrid

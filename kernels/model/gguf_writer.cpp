#include "kernels/model/gguf_writer.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "kernels/model/gguf_limits.hpp"
#include "kernels/model/parallel_chunks.hpp"
#include "kernels/reference/quant.hpp"

namespace infergrid::model {
namespace {

template <class T>
void put(std::ostream& out, T v) {
  out.write(reinterpret_cast<const char*>(&v), sizeof v);
}

void put_string(std::ostream& out, const std::string& s) {
  put<std::uint64_t>(out, s.size());
  out.write(s.data(), static_cast<std::streamsize>(s.size()));
}

void put_value(std::ostream& out, const gguf_value& v) {
  switch (v.type) {
    case gguf_value_type::uint8: put(out, static_cast<std::uint8_t>(v.unsigned_value)); return;
    case gguf_value_type::uint16: put(out, static_cast<std::uint16_t>(v.unsigned_value)); return;
    case gguf_value_type::uint32: put(out, static_cast<std::uint32_t>(v.unsigned_value)); return;
    case gguf_value_type::uint64: put(out, v.unsigned_value); return;
    case gguf_value_type::boolean: put(out, static_cast<std::uint8_t>(v.unsigned_value != 0)); return;
    case gguf_value_type::int8: put(out, static_cast<std::int8_t>(v.signed_value)); return;
    case gguf_value_type::int16: put(out, static_cast<std::int16_t>(v.signed_value)); return;
    case gguf_value_type::int32: put(out, static_cast<std::int32_t>(v.signed_value)); return;
    case gguf_value_type::int64: put(out, v.signed_value); return;
    case gguf_value_type::float32: put(out, static_cast<float>(v.float_value)); return;
    case gguf_value_type::float64: put(out, v.float_value); return;
    case gguf_value_type::string: put_string(out, v.string_value); return;
    case gguf_value_type::array:
      put(out, static_cast<std::uint32_t>(v.element_type));
      put<std::uint64_t>(out, v.items.size());
      for (const gguf_value& item : v.items) put_value(out, item);
      return;
  }
}

void pad_to(std::ostream& out, std::uint64_t& position, std::uint64_t alignment) {
  while (position % alignment != 0) {
    out.put('\0');
    ++position;
  }
}

std::uint64_t align_up(std::uint64_t v, std::uint64_t alignment) { return (v + alignment - 1) / alignment * alignment; }

template <class T, class Make>
gguf_value array_of(gguf_value_type element_type, std::span<const T> items, Make make) {
  std::vector<gguf_value> values;
  values.reserve(items.size());
  for (const T& item : items) values.push_back(make(item));
  return gguf_value::of_array(element_type, std::move(values));
}

}  // namespace

gguf_writer::gguf_writer(std::uint32_t alignment) : alignment_(alignment) {
  if (alignment_ != gguf_default_alignment) set_u32("general.alignment", alignment_);
}

void gguf_writer::set(const std::string& key, gguf_value value) {
  const auto it = std::find_if(metadata_.begin(), metadata_.end(), [&](const auto& kv) { return kv.first == key; });
  if (it != metadata_.end()) {
    it->second = std::move(value);
  } else {
    metadata_.emplace_back(key, std::move(value));
  }
}

void gguf_writer::set_u32(const std::string& key, std::uint32_t v) {
  set(key, gguf_value::of_unsigned(gguf_value_type::uint32, v));
}
void gguf_writer::set_f32(const std::string& key, float v) { set(key, gguf_value::of_float(gguf_value_type::float32, v)); }
void gguf_writer::set_bool(const std::string& key, bool v) { set(key, gguf_value::of_bool(v)); }
void gguf_writer::set_string(const std::string& key, std::string v) { set(key, gguf_value::of_string(std::move(v))); }

void gguf_writer::set_string_array(const std::string& key, std::span<const std::string> items) {
  set(key, array_of(gguf_value_type::string, items, [](const std::string& s) { return gguf_value::of_string(s); }));
}
void gguf_writer::set_f32_array(const std::string& key, std::span<const float> items) {
  set(key, array_of(gguf_value_type::float32, items,
                    [](float f) { return gguf_value::of_float(gguf_value_type::float32, f); }));
}
void gguf_writer::set_i32_array(const std::string& key, std::span<const std::int32_t> items) {
  set(key, array_of(gguf_value_type::int32, items,
                    [](std::int32_t i) { return gguf_value::of_signed(gguf_value_type::int32, i); }));
}

status gguf_writer::add_tensor_bytes(const std::string& name, ggml_type type, std::vector<std::uint64_t> dims,
                                     std::vector<std::byte> bytes) {
  if (dims.empty() || dims.size() > gguf_dims_max) {
    return make_error(error_code::invalid_argument, "tensor '" + name + "' needs 1 to 4 dimensions");
  }
  std::uint64_t n_elements = 1;
  for (std::uint64_t d : dims) n_elements *= d;
  const type_traits traits = traits_of(type);
  if (dims[0] % traits.block_weights != 0 || bytes.size() != n_elements / traits.block_weights * traits.block_bytes) {
    return make_error(error_code::invalid_argument, "tensor '" + name + "' byte size does not match its shape");
  }
  tensors_.push_back({name, type, std::move(dims), std::move(bytes)});
  return {};
}

status gguf_writer::add_tensor(const std::string& name, ggml_type type, std::vector<std::uint64_t> dims,
                               std::span<const float> values) {
  if (dims.empty()) return make_error(error_code::invalid_argument, "tensor '" + name + "' has no dimensions");
  const std::size_t row = static_cast<std::size_t>(dims[0]);
  if (row == 0 || values.size() % row != 0 || row % traits_of(type).block_weights != 0) {
    return make_error(error_code::invalid_argument, "tensor '" + name + "' values do not fill whole rows");
  }
  // Rows are quantized on all hardware threads (an 8B model's weights in seconds, not minutes).
  const std::size_t bytes_per_row = row_bytes(type, row);
  std::vector<std::byte> bytes(values.size() / row * bytes_per_row);
  parallel_chunks(values.size() / row, 16, [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; ++r) {
      const std::vector<std::byte> converted = reference::quantize_row(type, values.subspan(r * row, row));
      std::copy(converted.begin(), converted.end(), bytes.begin() + static_cast<std::ptrdiff_t>(r * bytes_per_row));
    }
  });
  return add_tensor_bytes(name, type, std::move(dims), std::move(bytes));
}

bool gguf_writer::remove_tensor(const std::string& name) {
  return std::erase_if(tensors_, [&](const tensor_entry& t) { return t.name == name; }) > 0;
}

void gguf_writer::write(std::ostream& out) const {
  std::ostringstream header;
  put(header, gguf_magic);
  put(header, gguf_version_max);
  put<std::uint64_t>(header, tensors_.size());
  put<std::uint64_t>(header, metadata_.size());
  for (const auto& [key, value] : metadata_) {
    put_string(header, key);
    put(header, static_cast<std::uint32_t>(value.type));
    put_value(header, value);
  }
  std::uint64_t offset = 0;
  for (const tensor_entry& t : tensors_) {
    put_string(header, t.name);
    put(header, static_cast<std::uint32_t>(t.dims.size()));
    for (std::uint64_t d : t.dims) put(header, d);
    put(header, static_cast<std::uint32_t>(t.type));
    put(header, offset);
    offset = align_up(offset + t.bytes.size(), alignment_);
  }
  const std::string header_bytes = header.str();
  out.write(header_bytes.data(), static_cast<std::streamsize>(header_bytes.size()));
  std::uint64_t position = header_bytes.size();
  pad_to(out, position, alignment_);
  for (const tensor_entry& t : tensors_) {
    out.write(reinterpret_cast<const char*>(t.bytes.data()), static_cast<std::streamsize>(t.bytes.size()));
    position += t.bytes.size();
    pad_to(out, position, alignment_);
  }
}

status gguf_writer::write(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return make_error(error_code::io_error, "cannot create " + path);
  write(out);
  out.flush();
  if (!out) return make_error(error_code::io_error, "failed writing " + path);
  return {};
}

std::vector<std::byte> gguf_writer::serialize() const {
  std::ostringstream out;
  write(out);
  const std::string s = out.str();
  std::vector<std::byte> bytes(s.size());
  std::memcpy(bytes.data(), s.data(), s.size());
  return bytes;
}

}  // namespace infergrid::model

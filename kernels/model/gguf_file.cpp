#include "kernels/model/gguf_file.hpp"

#include <utility>

namespace infergrid::model {

// Defined in gguf_parser.cpp.
result<gguf_file> parse_gguf(mapped_file mapping);

namespace {

template <class T, class Convert>
result<T> get_as(const gguf_file& file, std::string_view key, Convert convert) {
  auto value = file.find(key);
  if (!value) return value.err();
  return convert(**value, key);
}

}  // namespace

result<gguf_file> gguf_file::open(const std::string& path) {
  auto mapping = mapped_file::open(path);
  if (!mapping) return mapping.err();
  auto file = parse_gguf(std::move(*mapping));
  if (!file) return make_error(file.err().code, path + ": " + file.err().message);
  return file;
}

result<const gguf_value*> gguf_file::find(std::string_view key) const {
  const auto it = metadata_.find(key);
  if (it == metadata_.end()) return make_error(error_code::not_found, "GGUF metadata has no key '" + std::string(key) + "'");
  return &it->second;
}

result<std::uint32_t> gguf_file::get_u32(std::string_view key) const { return get_as<std::uint32_t>(*this, key, as_u32); }
result<std::uint64_t> gguf_file::get_u64(std::string_view key) const { return get_as<std::uint64_t>(*this, key, as_u64); }
result<std::int32_t> gguf_file::get_i32(std::string_view key) const { return get_as<std::int32_t>(*this, key, as_i32); }
result<float> gguf_file::get_f32(std::string_view key) const { return get_as<float>(*this, key, as_f32); }
result<bool> gguf_file::get_bool(std::string_view key) const { return get_as<bool>(*this, key, as_bool); }
result<std::string> gguf_file::get_string(std::string_view key) const {
  return get_as<std::string>(*this, key, as_string);
}
result<std::vector<std::string>> gguf_file::get_string_array(std::string_view key) const {
  return get_as<std::vector<std::string>>(*this, key, as_string_array);
}
result<std::vector<float>> gguf_file::get_f32_array(std::string_view key) const {
  return get_as<std::vector<float>>(*this, key, as_f32_array);
}
result<std::vector<std::int32_t>> gguf_file::get_i32_array(std::string_view key) const {
  return get_as<std::vector<std::int32_t>>(*this, key, as_i32_array);
}

const digest& gguf_file::content_hash() const {
  std::call_once(hash_->once, [this] {
    const auto bytes = mapping_.bytes();
    hash_->value = hash_bytes({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
    // Every page was read once: left resident, the whole file would still count in the process's
    // memory while the engine uploads (and on a CPU device duplicates) the weights.
    mapping_.release_resident_pages();
  });
  return hash_->value;
}

std::string shape_text(const std::vector<std::uint64_t>& dims) {
  std::string out;
  for (std::uint64_t d : dims) out += (out.empty() ? "" : ", ") + std::to_string(d);
  return "[" + out + "]";
}

const gguf_tensor* gguf_file::find_tensor(std::string_view name) const {
  const auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

}  // namespace infergrid::model

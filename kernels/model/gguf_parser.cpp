// gguf_parser: turns the bytes of a mapped file into a validated gguf_file (header, metadata, tensor
// table, data layout). Everything the rest of the engine trusts about a model file is checked here.
#include <algorithm>
#include <bit>
#include <string>

#include "kernels/model/gguf_file.hpp"
#include "kernels/model/gguf_limits.hpp"
#include "kernels/model/gguf_reader.hpp"

namespace infergrid::model {
namespace {

// Smallest possible tensor info: empty name (8) + n_dims (4) + one dim (8) + type (4) + offset (8).
constexpr std::size_t tensor_info_bytes_min = 32;
// Smallest possible metadata entry: empty key (8) + type (4) + one-byte value.
constexpr std::size_t metadata_entry_bytes_min = 13;

// Names of GGML type ids we do not support, so an error can say what the file holds.
std::string ggml_type_name(std::uint32_t id) {
  static constexpr std::string_view names[] = {"F32",  "F16",  "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0",
                                               "Q5_1", "Q8_0", "Q8_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K",
                                               "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S",
                                               "IQ4_NL", "IQ3_S", "IQ2_S", "IQ4_XS", "I8", "I16", "I32",
                                               "I64", "F64", "IQ1_M", "BF16"};
  if (id < std::size(names)) return std::string(names[id]);
  return "unknown";
}

// "F32, F16, ..." from the type table, for errors.
std::string supported_type_names() {
  std::string out;
  for (const type_traits& t : all_types) out += (out.empty() ? "" : ", ") + std::string(t.name);
  return out;
}

error malformed(std::string message) { return make_error(error_code::malformed_input, std::move(message)); }

}  // namespace

class gguf_parser {
 public:
  static result<gguf_file> parse(mapped_file mapping) {
    gguf_file file;
    file.mapping_ = std::move(mapping);
    gguf_parser parser(file);
    IG_TRY(parser.parse_header());
    IG_TRY(parser.parse_metadata());
    IG_TRY(parser.parse_tensor_infos());
    IG_TRY(parser.place_tensors());
    return file;
  }

 private:
  explicit gguf_parser(gguf_file& file) : file_(file), reader_(file.mapping_.bytes()) {}

  status parse_header() {
    auto magic = reader_.read_u32("magic");
    if (!magic) return magic.err();
    if (*magic != gguf_magic) {
      const auto bytes = file_.mapping_.bytes();
      std::string shown;
      for (std::size_t i = 0; i < 4; ++i) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        shown += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
      }
      return malformed("not a GGUF file: magic is '" + shown + "', expected 'GGUF'");
    }
    auto version = reader_.read_u32("version");
    if (!version) return version.err();
    if (*version == __builtin_bswap32(gguf_version_max) || *version == __builtin_bswap32(gguf_version_min)) {
      return make_error(error_code::unsupported, "big-endian GGUF files are not supported");
    }
    if (*version < gguf_version_min || *version > gguf_version_max) {
      return make_error(error_code::unsupported, "GGUF version " + std::to_string(*version) +
                                                     " is not supported (supported: 2 and 3)");
    }
    file_.version_ = *version;
    auto tensor_count = reader_.read_u64("tensor count");
    if (!tensor_count) return tensor_count.err();
    auto metadata_count = reader_.read_u64("metadata count");
    if (!metadata_count) return metadata_count.err();
    IG_TRY(check_count("tensor count", *tensor_count, gguf_tensor_count_max, tensor_info_bytes_min));
    IG_TRY(check_count("metadata count", *metadata_count, gguf_metadata_count_max, metadata_entry_bytes_min));
    tensor_count_ = *tensor_count;
    metadata_count_ = *metadata_count;
    return {};
  }

  // A header count beyond its limit, or more entries than the rest of the file can hold even at their
  // smallest: the file is cut short (a partial download) or something else.
  status check_count(std::string_view what, std::uint64_t count, std::uint64_t max, std::size_t entry_bytes_min) {
    const std::string file_size = std::to_string(file_.mapping_.bytes().size());
    if (count > max) {
      return make_error(error_code::too_large, "GGUF " + std::string(what) + " " + std::to_string(count) +
                                                   " exceeds the limit " + std::to_string(max) + " in a file of " +
                                                   file_size + " bytes: the file is corrupt or not a GGUF model");
    }
    if (count > reader_.remaining() / entry_bytes_min) {
      return make_error(error_code::malformed_input,
                        "GGUF " + std::string(what) + " " + std::to_string(count) + " needs at least " +
                            std::to_string(count * entry_bytes_min) + " bytes, but only " +
                            std::to_string(reader_.remaining()) + " follow the header in a file of " + file_size +
                            " bytes: the file is truncated or not a GGUF model");
    }
    return {};
  }

  status parse_metadata() {
    for (std::uint64_t i = 0; i < metadata_count_; ++i) {
      auto key = reader_.read_string("metadata key");
      if (!key) return key.err();
      if (key->empty()) return malformed("metadata entry " + std::to_string(i) + " has an empty key");
      auto raw_type = reader_.read_u32("type of metadata '" + *key + "'");
      if (!raw_type) return raw_type.err();
      const auto type = value_type_from_id(*raw_type);
      if (!type) {
        return malformed("metadata '" + *key + "' has unknown value type id " + std::to_string(*raw_type));
      }
      auto value = reader_.read_value(*type, "metadata '" + *key + "'");
      if (!value) return value.err();
      if (file_.metadata_.contains(*key)) return malformed("metadata key '" + *key + "' appears twice");
      file_.metadata_.emplace(std::move(*key), std::move(*value));
    }
    file_.alignment_ = gguf_default_alignment;
    if (file_.has("general.alignment")) {
      auto alignment = file_.get_u32("general.alignment");
      if (!alignment) return alignment.err();
      if (*alignment == 0 || !std::has_single_bit(*alignment) || *alignment > gguf_alignment_max) {
        return malformed("general.alignment = " + std::to_string(*alignment) +
                         " is not a power of two up to " + std::to_string(gguf_alignment_max));
      }
      file_.alignment_ = *alignment;
    }
    return {};
  }

  result<gguf_tensor> parse_tensor_info(std::uint64_t index) {
    gguf_tensor tensor;
    auto name = reader_.read_string("name of tensor " + std::to_string(index));
    if (!name) return name.err();
    if (name->empty()) return malformed("tensor " + std::to_string(index) + " has an empty name");
    tensor.name = std::move(*name);
    const std::string label = "tensor '" + tensor.name + "'";
    auto n_dims = reader_.read_u32("dimension count of " + label);
    if (!n_dims) return n_dims.err();
    if (*n_dims == 0 || *n_dims > gguf_dims_max) {
      return malformed(label + " has " + std::to_string(*n_dims) + " dimensions (must be 1 to " +
                       std::to_string(gguf_dims_max) + ")");
    }
    tensor.n_elements = 1;
    for (std::uint32_t d = 0; d < *n_dims; ++d) {
      auto dim = reader_.read_u64("dimension of " + label);
      if (!dim) return dim.err();
      // Bounding the element count by 2^62 keeps the product of the dimensions from overflowing; the
      // byte size can still overflow (2^62 F32 elements are 2^64 bytes) and is bounded by the file below.
      constexpr std::uint64_t elements_max = std::uint64_t{1} << 62;
      if (*dim == 0 || *dim > elements_max || tensor.n_elements > elements_max / *dim) {
        return malformed(label + " has an absurd dimension " + std::to_string(d) + " = " + std::to_string(*dim));
      }
      tensor.n_elements *= *dim;
      tensor.dims.push_back(*dim);
    }
    auto raw_type = reader_.read_u32("type of " + label);
    if (!raw_type) return raw_type.err();
    const auto traits = traits_of(*raw_type);
    if (!traits) {
      return make_error(error_code::unsupported, label + " has tensor type " + ggml_type_name(*raw_type) + " (id " +
                                                     std::to_string(*raw_type) + "), which is not supported (" +
                                                     supported_type_names() + ")");
    }
    tensor.type = static_cast<ggml_type>(*raw_type);
    if (tensor.dims[0] % traits->block_weights != 0) {
      return malformed(label + " row length " + std::to_string(tensor.dims[0]) + " is not a multiple of the " +
                       std::string(traits->name) + " block size " + std::to_string(traits->block_weights));
    }
    const std::uint64_t blocks = tensor.n_elements / traits->block_weights;
    const std::uint64_t file_bytes = file_.mapping_.bytes().size();
    if (blocks > file_bytes / traits->block_bytes) {  // blocks * block_bytes > file_bytes, without overflow
      return malformed(label + " of shape " + shape_text(tensor.dims) + " holds " + std::to_string(tensor.n_elements) +
                       " " + std::string(traits->name) + " elements, more than the file's " +
                       std::to_string(file_bytes) + " bytes can hold");
    }
    tensor.bytes = static_cast<std::size_t>(blocks * traits->block_bytes);
    auto offset = reader_.read_u64("offset of " + label);
    if (!offset) return offset.err();
    tensor.offset = *offset;
    return tensor;
  }

  status parse_tensor_infos() {
    file_.tensors_.reserve(static_cast<std::size_t>(tensor_count_));
    for (std::uint64_t i = 0; i < tensor_count_; ++i) {
      auto tensor = parse_tensor_info(i);
      if (!tensor) return tensor.err();
      if (file_.tensor_index_.contains(tensor->name)) {
        return malformed("tensor '" + tensor->name + "' appears twice");
      }
      file_.tensor_index_.emplace(tensor->name, file_.tensors_.size());
      file_.tensors_.push_back(std::move(*tensor));
    }
    return {};
  }

  // Checks alignment and bounds of every tensor's bytes, points them into the mapping, and rejects overlaps.
  status place_tensors() {
    const std::span<const std::byte> bytes = file_.mapping_.bytes();
    const std::uint64_t alignment = file_.alignment_;
    const std::uint64_t data_start = (reader_.offset() + alignment - 1) / alignment * alignment;
    const std::uint64_t data_bytes = data_start <= bytes.size() ? bytes.size() - data_start : 0;
    for (gguf_tensor& tensor : file_.tensors_) {
      const std::string label = "tensor '" + tensor.name + "'";
      if (tensor.offset % alignment != 0) {
        return malformed(label + " offset " + std::to_string(tensor.offset) + " is not aligned to " +
                         std::to_string(alignment) + " bytes");
      }
      if (tensor.offset > data_bytes || tensor.bytes > data_bytes - tensor.offset) {
        return malformed(label + " data [" + std::to_string(tensor.offset) + ", +" + std::to_string(tensor.bytes) +
                         ") lies outside the file's " + std::to_string(data_bytes) + " bytes of tensor data");
      }
      tensor.data = bytes.data() + data_start + tensor.offset;
    }
    std::vector<const gguf_tensor*> by_offset;
    for (const gguf_tensor& tensor : file_.tensors_) by_offset.push_back(&tensor);
    std::sort(by_offset.begin(), by_offset.end(), [](auto* a, auto* b) { return a->offset < b->offset; });
    for (std::size_t i = 1; i < by_offset.size(); ++i) {
      if (by_offset[i - 1]->offset + by_offset[i - 1]->bytes > by_offset[i]->offset) {
        return malformed("tensors '" + by_offset[i - 1]->name + "' and '" + by_offset[i]->name + "' overlap");
      }
    }
    return {};
  }

  gguf_file& file_;
  gguf_reader reader_;
  std::uint64_t tensor_count_ = 0;
  std::uint64_t metadata_count_ = 0;
};

result<gguf_file> parse_gguf(mapped_file mapping) { return gguf_parser::parse(std::move(mapping)); }

}  // namespace infergrid::model

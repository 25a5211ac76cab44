// A corpus of broken GGUF files: each must give a clear error value — never a crash, a hang or a
// huge allocation. Run under the asan-ubsan preset too.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <random>

#include "kernels/model/gguf_file.hpp"
#include "kernels/model/test_support.hpp"

namespace infergrid::model {
namespace {

using testing_support::stories260k_path;
using testing_support::temp_path;
using testing_support::write_bytes;

// Builds GGUF bytes field by field, so each case can break exactly one thing.
class raw_gguf {
 public:
  raw_gguf& u8(std::uint8_t v) { return put(v); }
  raw_gguf& u32(std::uint32_t v) { return put(v); }
  raw_gguf& u64(std::uint64_t v) { return put(v); }
  raw_gguf& str(std::string_view s) {
    u64(s.size());
    bytes_.insert(bytes_.end(), reinterpret_cast<const std::byte*>(s.data()),
                  reinterpret_cast<const std::byte*>(s.data()) + s.size());
    return *this;
  }
  raw_gguf& header(std::uint64_t n_tensors, std::uint64_t n_metadata, std::uint32_t version = 3) {
    return u32(0x46554747).u32(version).u64(n_tensors).u64(n_metadata);
  }
  // One tensor info: name, dims, type, offset.
  raw_gguf& tensor(std::string_view name, std::vector<std::uint64_t> dims, std::uint32_t type, std::uint64_t offset) {
    str(name).u32(static_cast<std::uint32_t>(dims.size()));
    for (std::uint64_t d : dims) u64(d);
    return u32(type).u64(offset);
  }
  raw_gguf& pad(std::size_t alignment = 32) {
    while (bytes_.size() % alignment != 0) u8(0);
    return *this;
  }
  raw_gguf& zeros(std::size_t n) {
    bytes_.insert(bytes_.end(), n, std::byte{0});
    return *this;
  }
  const std::vector<std::byte>& bytes() const { return bytes_; }

 private:
  template <class T>
  raw_gguf& put(T v) {
    const auto* p = reinterpret_cast<const std::byte*>(&v);
    bytes_.insert(bytes_.end(), p, p + sizeof v);
    return *this;
  }
  std::vector<std::byte> bytes_;
};

result<gguf_file> open_bytes(const std::vector<std::byte>& bytes) {
  const std::string path = temp_path("corrupt.gguf");
  write_bytes(path, bytes);
  return gguf_file::open(path);
}

// Expects an error whose message contains `needle`.
void expect_error(const raw_gguf& file, std::string_view needle) {
  auto opened = open_bytes(file.bytes());
  ASSERT_FALSE(opened.ok()) << "expected an error mentioning '" << needle << "'";
  EXPECT_NE(opened.err().message.find(needle), std::string::npos) << opened.err().message;
}

TEST(gguf_corrupt, a_valid_hand_built_file_opens) {
  raw_gguf f;
  f.header(1, 1).str("general.architecture").u32(8).str("llama").tensor("t", {32, 2}, 0, 0).pad().zeros(256);
  auto opened = open_bytes(f.bytes());
  ASSERT_TRUE(opened.ok()) << opened.err().message;
  EXPECT_EQ(opened->find_tensor("t")->bytes, 256u);
}

TEST(gguf_corrupt, empty_and_wrong_magic) {
  EXPECT_NE(open_bytes({}).err().message.find("truncated"), std::string::npos);
  raw_gguf f;
  f.u32(0x58554747).u32(3).u64(0).u64(0);
  expect_error(f, "not a GGUF file");
}

TEST(gguf_corrupt, bad_versions) {
  for (std::uint32_t version : {0u, 1u, 4u, 1000u}) {
    raw_gguf f;
    f.header(0, 0, version);
    expect_error(f, "version " + std::to_string(version));
  }
  raw_gguf big_endian;
  big_endian.header(0, 0, 0x03000000);
  expect_error(big_endian, "big-endian");
  raw_gguf v2;  // version 2 has the same layout and is accepted
  v2.header(0, 0, 2);
  EXPECT_TRUE(open_bytes(v2.bytes()).ok());
}

TEST(gguf_corrupt, absurd_counts) {
  raw_gguf tensors;
  tensors.header(std::uint64_t{1} << 40, 0);
  expect_error(tensors, "tensor count");
  raw_gguf metadata;
  metadata.header(0, ~std::uint64_t{0});
  expect_error(metadata, "metadata count");
  raw_gguf more_tensors_than_bytes;
  more_tensors_than_bytes.header(1000, 0).zeros(100);
  expect_error(more_tensors_than_bytes, "tensor count");
}

// A model cut short (a partial download) once read "GGUF tensor count 48 is absurd for a file of 200
// bytes"; it says the file is truncated.
TEST(gguf_corrupt, a_model_cut_short_in_its_header_is_called_truncated) {
  const std::string path = temp_path("cut_short.gguf");
  std::filesystem::copy_file(stories260k_path(), path, std::filesystem::copy_options::overwrite_existing);
  ASSERT_EQ(::truncate(path.c_str(), 200), 0);
  auto opened = gguf_file::open(path);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.err().message.find("but only 176 follow the header in a file of 200 bytes: the file is "
                                      "truncated or not a GGUF model"),
            std::string::npos)
      << opened.err().message;
}

TEST(gguf_corrupt, absurd_and_truncated_strings) {
  raw_gguf huge_key;
  huge_key.header(0, 1).u64(std::uint64_t{1} << 60).zeros(16);
  expect_error(huge_key, "limit");
  raw_gguf long_key;
  long_key.header(0, 1).u64(1000).zeros(40);
  expect_error(long_key, "truncated");
  raw_gguf huge_value;
  huge_value.header(0, 1).str("k").u32(8).u64(~std::uint64_t{0}).zeros(16);
  expect_error(huge_value, "limit");
}

TEST(gguf_corrupt, bad_metadata_values) {
  raw_gguf unknown_type;
  unknown_type.header(0, 1).str("k").u32(13).zeros(16);
  expect_error(unknown_type, "unknown value type id 13");
  raw_gguf bad_bool;
  bad_bool.header(0, 1).str("k").u32(7).u8(2).zeros(16);
  expect_error(bad_bool, "bool");
  raw_gguf huge_array;
  huge_array.header(0, 1).str("k").u32(9).u32(0).u64(std::uint64_t{1} << 50).zeros(16);
  expect_error(huge_array, "elements");
  raw_gguf more_elements_than_bytes;  // 100 u32 elements claimed, 64 bytes present
  more_elements_than_bytes.header(0, 1).str("k").u32(9).u32(4).u64(100).zeros(64);
  expect_error(more_elements_than_bytes, "100 elements");
  // Arrays of 1 and 2^22 elements: together beyond the file's limit, refused before the second is read
  // (each element costs ~100 bytes of memory: a few MB of uint8 arrays once took hundreds of MB).
  raw_gguf arrays_beyond_the_total;
  arrays_beyond_the_total.header(0, 2).str("a").u32(9).u32(0).u64(1).u8(0);
  arrays_beyond_the_total.str("b").u32(9).u32(0).u64(std::uint64_t{1} << 22).zeros(std::size_t{1} << 22);
  expect_error(arrays_beyond_the_total, "metadata 'b' claims 4194304 elements after 1 in earlier arrays");
  raw_gguf bad_element_type;
  bad_element_type.header(0, 1).str("k").u32(9).u32(99).u64(1).zeros(16);
  expect_error(bad_element_type, "element type id 99");
  raw_gguf deep;
  deep.header(0, 1).str("k").u32(9);
  for (int i = 0; i < 6; ++i) deep.u32(9).u64(1);
  deep.u32(0).u64(0);
  expect_error(deep, "nested deeper");
  raw_gguf duplicate;
  duplicate.header(0, 2).str("k").u32(4).u32(1).str("k").u32(4).u32(2);
  expect_error(duplicate, "appears twice");
  raw_gguf empty_key;
  empty_key.header(0, 1).str("").u32(4).u32(1);
  expect_error(empty_key, "empty key");
}

TEST(gguf_corrupt, bad_alignment) {
  raw_gguf not_power_of_two;
  not_power_of_two.header(0, 1).str("general.alignment").u32(4).u32(48);
  expect_error(not_power_of_two, "power of two");
  raw_gguf zero;
  zero.header(0, 1).str("general.alignment").u32(4).u32(0);
  expect_error(zero, "power of two");
  raw_gguf wrong_type;
  wrong_type.header(0, 1).str("general.alignment").u32(8).str("32");
  expect_error(wrong_type, "general.alignment");
}

TEST(gguf_corrupt, bad_tensor_shapes) {
  raw_gguf too_many_dims;
  too_many_dims.header(1, 0).tensor("t", {1, 1, 1, 1, 1}, 0, 0).pad().zeros(64);
  expect_error(too_many_dims, "tensor 't' has 5 dimensions");
  raw_gguf no_dims;
  no_dims.header(1, 0).str("t").u32(0).u32(0).u64(0).pad().zeros(64);
  expect_error(no_dims, "0 dimensions");
  raw_gguf zero_dim;
  zero_dim.header(1, 0).tensor("t", {32, 0}, 0, 0).pad().zeros(64);
  expect_error(zero_dim, "absurd dimension");
  raw_gguf overflow;
  overflow.header(1, 0).tensor("t", {std::uint64_t{1} << 40, std::uint64_t{1} << 40}, 0, 0).pad().zeros(64);
  expect_error(overflow, "absurd dimension");
  // 2^62 F32 elements are 2^64 bytes: a byte size that wrapped to 0 once let this file open.
  raw_gguf wrapping_bytes;
  wrapping_bytes.header(1, 0).tensor("junk", {std::uint64_t{1} << 31, std::uint64_t{1} << 31}, 0, 0).pad().zeros(64);
  expect_error(wrapping_bytes, "tensor 'junk' of shape [2147483648, 2147483648] holds 4611686018427387904 F32 "
                               "elements, more than the file's");
  raw_gguf bigger_than_the_file;  // fits in 64 bits, not in the file
  bigger_than_the_file.header(1, 0).tensor("t", {32, std::uint64_t{1} << 20}, 0, 0).pad().zeros(64);
  expect_error(bigger_than_the_file, "tensor 't' of shape [32, 1048576] holds 33554432 F32 elements");
  raw_gguf partial_block;
  partial_block.header(1, 0).tensor("t", {48, 1}, 8, 0).pad().zeros(128);
  expect_error(partial_block, "not a multiple of the Q8_0 block size");
  raw_gguf empty_name;
  empty_name.header(1, 0).tensor("", {32}, 0, 0).pad().zeros(128);
  expect_error(empty_name, "empty name");
  raw_gguf duplicate;
  duplicate.header(2, 0).tensor("t", {32}, 0, 0).tensor("t", {32}, 0, 128).pad().zeros(256);
  expect_error(duplicate, "'t' appears twice");
}

TEST(gguf_corrupt, unsupported_tensor_type_names_tensor_and_type) {
  raw_gguf f;
  f.header(1, 0).tensor("blk.0.attn_q.weight", {256, 4}, 15, 0).pad().zeros(1024);
  auto opened = open_bytes(f.bytes());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.err().code, error_code::unsupported);
  EXPECT_NE(opened.err().message.find("blk.0.attn_q.weight"), std::string::npos);
  EXPECT_NE(opened.err().message.find("Q8_K (id 15)"), std::string::npos) << opened.err().message;
  EXPECT_NE(opened.err().message.find("Q2_K, Q3_K, Q4_K, Q5_K, Q6_K"), std::string::npos) << "lists the supported types";
  raw_gguf unknown;
  unknown.header(1, 0).tensor("t", {32}, 4000, 0).pad().zeros(128);
  expect_error(unknown, "id 4000");
}

// K-quant rows must be whole 256-weight super-blocks.
TEST(gguf_corrupt, k_quant_rows_of_partial_super_blocks) {
  raw_gguf f;
  f.header(1, 0).tensor("blk.0.attn_q.weight", {128, 4}, 12, 0).pad().zeros(1024);
  expect_error(f, "not a multiple of the Q4_K block size 256");
}

TEST(gguf_corrupt, bad_offsets) {
  raw_gguf misaligned;
  misaligned.header(1, 0).tensor("t", {8}, 0, 4).pad().zeros(64);
  expect_error(misaligned, "not aligned");
  raw_gguf beyond;
  beyond.header(1, 0).tensor("t", {8}, 0, 1 << 20).pad().zeros(64);
  expect_error(beyond, "outside the file");
  raw_gguf wraps;
  wraps.header(1, 0).tensor("t", {8}, 0, ~std::uint64_t{31}).pad().zeros(64);
  expect_error(wraps, "outside the file");
  raw_gguf too_short;
  too_short.header(1, 0).tensor("t", {64}, 0, 0).pad().zeros(255);
  expect_error(too_short, "outside the file");
  raw_gguf overlap;
  overlap.header(2, 0).tensor("a", {16}, 0, 0).tensor("b", {16}, 0, 32).pad().zeros(256);
  expect_error(overlap, "overlap");
}

// Truncates a copy of `source` to every length in `lengths` (descending) and opens it each time: it must
// open exactly when every tensor's bytes are still present, and otherwise give an error.
void check_truncations(const std::string& source, const std::vector<std::size_t>& lengths) {
  const std::string path = temp_path("truncated.gguf");
  std::filesystem::copy_file(source, path, std::filesystem::copy_options::overwrite_existing);
  std::size_t data_end = 0;
  {
    auto full = gguf_file::open(path);
    ASSERT_TRUE(full.ok()) << full.err().message;
    for (const gguf_tensor& t : full->tensors()) {
      data_end = std::max(data_end, static_cast<std::size_t>(t.data + t.bytes - full->file_bytes().data()));
    }
  }
  for (std::size_t length : lengths) {
    ASSERT_EQ(::truncate(path.c_str(), static_cast<off_t>(length)), 0);
    auto opened = gguf_file::open(path);
    if (length >= data_end) {
      EXPECT_TRUE(opened.ok()) << length;
    } else {
      ASSERT_FALSE(opened.ok()) << "truncated to " << length << " bytes still opened";
      EXPECT_FALSE(opened.err().message.empty());
    }
  }
}

TEST(gguf_corrupt, stories260k_truncated_at_every_header_offset_and_sampled_data_offsets) {
  const std::string source = stories260k_path();
  const auto size = static_cast<std::size_t>(std::filesystem::file_size(source));
  std::size_t header_end = 0;
  {
    auto full = gguf_file::open(source);
    ASSERT_TRUE(full.ok());
    header_end = static_cast<std::size_t>(full->tensors().front().data - full->file_bytes().data());
  }
  std::vector<std::size_t> lengths;
  std::mt19937_64 rng(17);
  for (int i = 0; i < 300; ++i) lengths.push_back(header_end + rng() % (size - header_end));
  for (std::size_t length = header_end + 1; length-- > 0;) lengths.push_back(length);
  std::sort(lengths.rbegin(), lengths.rend());
  check_truncations(source, lengths);
}

// Random single-byte corruptions of the header: any outcome but a crash, hang or sanitizer report.
TEST(gguf_corrupt, random_header_byte_flips_never_crash) {
  const std::string path = temp_path("flipped.gguf");
  std::filesystem::copy_file(stories260k_path(), path, std::filesystem::copy_options::overwrite_existing);
  std::size_t header_end = 0;
  {
    auto full = gguf_file::open(path);
    ASSERT_TRUE(full.ok());
    header_end = static_cast<std::size_t>(full->tensors().front().data - full->file_bytes().data());
  }
  const int fd = ::open(path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  std::mt19937_64 rng(23);
  int failures = 0;
  for (int i = 0; i < 2000; ++i) {
    const auto offset = static_cast<off_t>(rng() % header_end);
    unsigned char original = 0;
    ASSERT_EQ(::pread(fd, &original, 1, offset), 1);
    const unsigned char flipped = static_cast<unsigned char>(original ^ (1u << (rng() % 8)));
    ASSERT_EQ(::pwrite(fd, &flipped, 1, offset), 1);
    auto opened = gguf_file::open(path);
    if (!opened.ok()) {
      ++failures;
      EXPECT_FALSE(opened.err().message.empty());
    }
    ASSERT_EQ(::pwrite(fd, &original, 1, offset), 1);
  }
  ::close(fd);
  // Most flips land in token text or scores, which stay valid; structural fields must be caught.
  EXPECT_GT(failures, 0);
}

}  // namespace
}  // namespace infergrid::model

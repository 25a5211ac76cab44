// The device layouts of weight_layout.hpp: what make_weight_layout refuses, and K-quant blocks kept
// as the file stores them, each padded to whole 16-byte units.
#include <gtest/gtest.h>

#include <algorithm>

#include "kernels/engine/device_weight.hpp"
#include "kernels/engine/kernel_test_support.hpp"
#include "kernels/engine/weight_layout.hpp"
#include "kernels/reference/quant.hpp"

namespace infergrid::engine {
namespace {

using namespace testing_support;
using model::ggml_type;

TEST(weight_layout, rejects_columns_the_kernels_cannot_read) {
  const std::vector<std::byte> bytes(1024);
  const weight_rows part{bytes.data(), 1};
  EXPECT_FALSE(make_weight_layout(ggml_type::f32, 6, std::span(&part, 1)).ok());
  EXPECT_FALSE(make_weight_layout(ggml_type::q8_0, 48, std::span(&part, 1)).ok());
  EXPECT_TRUE(make_weight_layout(ggml_type::q4_0, 64, std::span(&part, 1)).ok());
  EXPECT_FALSE(make_weight_layout(ggml_type::q6_k, 128, std::span(&part, 1)).ok());  // not whole super-blocks
}

// K-quants stay in their GGUF blocks on the device: the file's bytes, a block at a time in its row
// group's place, each followed by zeros up to whole 16-byte units (Q2_K 84 + 12, Q3_K 110 + 2, Q6_K
// 210 + 14) and nothing else.
TEST(weight_layout, k_quant_blocks_are_kept_as_stored) {
  EXPECT_EQ(device_block_bytes(ggml_type::q4_k), 144u);
  EXPECT_EQ(device_block_bytes(ggml_type::q5_k), 176u);
  EXPECT_EQ(device_block_bytes(ggml_type::q6_k), 224u);
  EXPECT_EQ(device_block_bytes(ggml_type::q2_k), 96u);
  EXPECT_EQ(device_block_bytes(ggml_type::q3_k), 112u);
  for (const ggml_type type : {ggml_type::q2_k, ggml_type::q3_k, ggml_type::q4_k, ggml_type::q5_k, ggml_type::q6_k}) {
    const model::type_traits& t = model::traits_of(type);
    const std::size_t rows = 7, cols = 768, blocks_per_row = cols / t.block_weights;
    const std::vector<float> values = random_floats(rows * cols, 91);
    std::vector<std::byte> bytes;
    for (std::size_t r = 0; r < rows; ++r) {
      const auto row = reference::quantize_row(type, std::span(values).subspan(r * cols, cols));
      bytes.insert(bytes.end(), row.begin(), row.end());
    }
    ASSERT_EQ(bytes.size(), rows * blocks_per_row * t.block_bytes);
    const weight_rows part{bytes.data(), rows};
    for (const std::size_t group : {std::size_t{1}, std::size_t{3}}) {
      auto layout = make_weight_layout(type, cols, std::span(&part, 1), group);
      ASSERT_TRUE(layout.ok()) << layout.err().message;
      EXPECT_TRUE(layout->scales.empty()) << t.name;
      EXPECT_EQ(layout->row_units, cols / 32);
      const std::size_t padded_rows = (rows + group - 1) / group * group;
      const std::size_t block_bytes = device_block_bytes(type);
      EXPECT_EQ(layout->data.size(), padded_rows * blocks_per_row * block_bytes) << t.name << " group " << group;
      EXPECT_EQ(row_data_bytes(type, cols), blocks_per_row * block_bytes);
      std::vector<bool> written(layout->data.size() / block_bytes, false);
      for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t k = 0; k < blocks_per_row; ++k) {
          const std::size_t at = ((r / group) * blocks_per_row + k) * group + r % group;
          written[at] = true;
          const auto device_block = layout->data.begin() + at * block_bytes;
          EXPECT_TRUE(std::equal(bytes.begin() + (r * blocks_per_row + k) * t.block_bytes,
                                 bytes.begin() + (r * blocks_per_row + k + 1) * t.block_bytes, device_block))
              << t.name << " row " << r << " block " << k << " group " << group;
          EXPECT_TRUE(std::all_of(device_block + t.block_bytes, device_block + block_bytes,
                                  [](std::byte b) { return b == std::byte{0}; }))
              << t.name << " padding of row " << r << " block " << k;
        }
      }
      for (std::size_t at = 0; at < written.size(); ++at) {
        if (!written[at]) {
          const auto device_block = layout->data.begin() + at * block_bytes;
          EXPECT_TRUE(std::all_of(device_block, device_block + block_bytes, [](std::byte b) { return b == std::byte{0}; }))
              << t.name << " padding row block " << at;
        }
      }
      auto weight = device_weight::upload(shared_device(), *layout, weight_access::texel);
      ASSERT_TRUE(weight.ok()) << weight.err().message;
      EXPECT_EQ(weight->device_bytes(), layout->data.size());
    }
  }
}

}  // namespace
}  // namespace infergrid::engine

#include "kernels/vk/device.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/vk/buffer.hpp"
#include "kernels/vk/command.hpp"
#include "kernels/vk/descriptors.hpp"
#include "kernels/vk/pipeline.hpp"
#include "kernels/vk/shaders.hpp"
#include "kernels/vk/vk_error.hpp"

namespace infergrid::vk {
namespace {

TEST(vk_error, names_the_result) {
  const error e = vk_error("vkCreateBuffer", VK_ERROR_OUT_OF_DEVICE_MEMORY);
  EXPECT_EQ(e.code, error_code::device_error);
  EXPECT_NE(e.message.find("VK_ERROR_OUT_OF_DEVICE_MEMORY"), std::string::npos);
  EXPECT_NE(e.message.find("vkCreateBuffer"), std::string::npos);
}

TEST(device, opens_a_device_and_reports_limits) {
  auto dev = device::create();
  ASSERT_TRUE(dev.ok()) << dev.err().message;
  const device_info& info = dev->info();
  EXPECT_FALSE(info.name.empty());
  EXPECT_GE(info.api_version, VK_API_VERSION_1_1);
  EXPECT_GE(info.subgroup_size, 1u);
  EXPECT_GT(info.max_storage_buffer_range, 0u);
  EXPECT_GT(info.max_texel_buffer_elements, 0u);
}

TEST(device, unknown_device_request_is_an_error) {
  auto dev = device::create({"no-such-device-anywhere"});
  ASSERT_FALSE(dev.ok());
  EXPECT_EQ(dev.err().code, error_code::not_found);
}

TEST(buffer, uploads_and_downloads_both_memory_kinds) {
  auto dev = device::create();
  ASSERT_TRUE(dev.ok()) << dev.err().message;
  for (memory_kind kind : {memory_kind::device_local, memory_kind::host_visible}) {
    auto b = buffer::create(*dev, 1000, kind);
    ASSERT_TRUE(b.ok()) << b.err().message;
    std::vector<std::byte> in(600);
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<std::byte>(i * 7);
    ASSERT_TRUE(upload(*dev, *b, in, 100).ok());
    std::vector<std::byte> out(600);
    ASSERT_TRUE(download(*dev, *b, out, 100).ok());
    EXPECT_EQ(in, out);
    EXPECT_FALSE(upload(*dev, *b, in, 500).ok());  // past the end
  }
}

TEST(buffer, transfers_through_the_queue_as_on_discrete_gpus) {
  auto dev = device::create();
  ASSERT_TRUE(dev.ok()) << dev.err().message;
  // Larger than one staging chunk, so the copy runs in several rounds.
  const std::size_t size = (64u << 20) + 4096;
  auto b = buffer::create(*dev, size + 64, memory_kind::device_local);
  ASSERT_TRUE(b.ok()) << b.err().message;
  std::vector<std::byte> in(size);
  for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<std::byte>((i * 131) >> 3);
  ASSERT_TRUE(upload(*dev, *b, in, 64, transfer_path::queue).ok());
  std::vector<std::byte> out(size);
  ASSERT_TRUE(download(*dev, *b, out, 64, transfer_path::queue).ok());
  EXPECT_TRUE(in == out);
  ASSERT_TRUE(fill_zero(*dev, *b, transfer_path::queue).ok());
  ASSERT_TRUE(download(*dev, *b, out, 64, transfer_path::queue).ok());
  EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](std::byte x) { return x == std::byte{0}; }));
}

TEST(pipeline, add_kernel_runs) {
  auto dev = device::create();
  ASSERT_TRUE(dev.ok()) << dev.err().message;
  const std::uint32_t count = 1000;
  auto a = buffer::create(*dev, count * 4, memory_kind::device_local);
  auto b = buffer::create(*dev, count * 4, memory_kind::device_local);
  auto out = buffer::create(*dev, count * 4, memory_kind::host_visible);
  ASSERT_TRUE(a.ok() && b.ok() && out.ok());
  std::vector<float> av(count), bv(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    av[i] = static_cast<float>(i);
    bv[i] = 0.5f * static_cast<float>(i);
  }
  ASSERT_TRUE(upload(*dev, *a, std::as_bytes(std::span(av))).ok());
  ASSERT_TRUE(upload(*dev, *b, std::as_bytes(std::span(bv))).ok());
  const std::uint32_t block = 64;
  auto pipeline = compute_pipeline::create(
      *dev, {*find_shader("add"), {binding_kind::storage_buffer, binding_kind::storage_buffer, binding_kind::storage_buffer},
             4, {block}});
  ASSERT_TRUE(pipeline.ok()) << pipeline.err().message;
  auto pool = descriptor_pool::create(*dev, 1, 4);
  ASSERT_TRUE(pool.ok());
  const resource resources[] = {storage(*a), storage(*b), storage(*out)};
  auto set = pool->make_set(*pipeline, resources);
  ASSERT_TRUE(set.ok()) << set.err().message;
  auto commands = command_buffer::create(*dev);
  ASSERT_TRUE(commands.ok());
  ASSERT_TRUE(commands->begin().ok());
  commands->dispatch(*pipeline, *set, std::as_bytes(std::span(&count, 1)), (count + block - 1) / block);
  ASSERT_TRUE(commands->end().ok());
  ASSERT_TRUE(commands->submit_and_wait().ok());
  std::vector<float> result_values(count);
  ASSERT_TRUE(download(*dev, *out, std::as_writable_bytes(std::span(result_values))).ok());
  for (std::uint32_t i = 0; i < count; ++i) ASSERT_EQ(result_values[i], 1.5f * static_cast<float>(i)) << i;
}

TEST(shaders, every_variant_is_embedded) {
  EXPECT_GE(all_shaders().size(), 50u);  // 32 matmul, 8 embedding, 10 others
  EXPECT_TRUE(find_shader("matmul_q4_0_texel_subgroup").has_value());
  EXPECT_FALSE(find_shader("nonexistent").has_value());
  for (const shader_blob& blob : all_shaders()) {
    ASSERT_FALSE(blob.spirv.empty()) << blob.name;
    EXPECT_EQ(blob.spirv[0], 0x07230203u) << blob.name;  // SPIR-V magic
  }
}

}  // namespace
}  // namespace infergrid::vk

#pragma once
// Helpers for the kernel tests: random data, buffers from host vectors, one-shot recording, and
// the relative error measure every kernel test bounds.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "kernels/engine/kernel_library.hpp"
#include "kernels/model/test_support.hpp"
#include "kernels/vk/buffer.hpp"
#include "kernels/vk/command.hpp"
#include "kernels/vk/descriptors.hpp"
#include "kernels/vk/device.hpp"

namespace infergrid::engine::testing_support {

inline std::vector<float> random_floats(std::size_t n, std::uint32_t seed, float scale = 1.0f) {
  return model::testing_support::random_normals(n, seed, scale);
}

// max |actual - expected| / max |expected| (0 when both are all zero).
inline double relative_error(std::span<const float> actual, std::span<const float> expected) {
  EXPECT_EQ(actual.size(), expected.size());
  double worst = 0.0;
  double scale = 0.0;
  for (std::size_t i = 0; i < std::min(actual.size(), expected.size()); ++i) {
    if (!std::isfinite(actual[i])) return INFINITY;
    worst = std::max(worst, std::fabs(static_cast<double>(actual[i]) - expected[i]));
    scale = std::max(scale, std::fabs(static_cast<double>(expected[i])));
  }
  return scale == 0.0 ? worst : worst / scale;
}

template <class T>
vk::buffer make_buffer(const vk::device& dev, std::span<const T> values, std::size_t extra_bytes = 0,
                       vk::memory_kind kind = vk::memory_kind::device_local) {
  auto b = vk::buffer::create(dev, values.size_bytes() + extra_bytes, kind);
  EXPECT_TRUE(b.ok()) << b.err().message;
  std::vector<std::byte> zeros(values.size_bytes() + extra_bytes);
  EXPECT_TRUE(vk::upload(dev, *b, zeros).ok());
  EXPECT_TRUE(vk::upload(dev, *b, std::as_bytes(values)).ok());
  return std::move(*b);
}

inline vk::buffer zero_buffer(const vk::device& dev, std::size_t n_floats) {
  const std::vector<float> zeros(n_floats, 0.0f);
  return make_buffer<float>(dev, zeros);
}

inline vk::buffer_view vec4_view(const vk::device& dev, const vk::buffer& b) {
  auto v = vk::buffer_view::create(dev, b, VK_FORMAT_R32G32B32A32_SFLOAT, 0, b.size_bytes() / 16 * 16);
  EXPECT_TRUE(v.ok()) << v.err().message;
  return std::move(*v);
}

inline std::vector<float> read_floats(const vk::device& dev, const vk::buffer& b, std::size_t n) {
  std::vector<float> out(n);
  EXPECT_TRUE(vk::download(dev, b, std::as_writable_bytes(std::span(out))).ok());
  return out;
}

// Records what `body` records into a fresh command buffer, submits once and waits.
inline void run_once(const vk::device& dev, const std::function<status(recorder&)>& body) {
  auto commands = vk::command_buffer::create(dev);
  ASSERT_TRUE(commands.ok()) << commands.err().message;
  auto pool = vk::descriptor_pool::create(dev, 16, 8);
  ASSERT_TRUE(pool.ok()) << pool.err().message;
  ASSERT_TRUE(commands->begin().ok());
  recorder rec{*commands, *pool};
  const status recorded = body(rec);
  ASSERT_TRUE(recorded.ok()) << recorded.err().message;
  ASSERT_TRUE(commands->end().ok());
  const status ran = commands->submit_and_wait();
  ASSERT_TRUE(ran.ok()) << ran.err().message;
}

// One device for the whole test process. Opening a device per test case is slow on real GPUs, and
// on an NVIDIA H200 (driver 580) vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER after
// about 30 devices had been opened and closed in one process.
inline vk::device& shared_device() {
  static result<vk::device> dev = vk::device::create();
  if (!dev.ok()) throw std::runtime_error("cannot open a Vulkan device: " + dev.err().message);
  return *dev;
}

}  // namespace infergrid::engine::testing_support

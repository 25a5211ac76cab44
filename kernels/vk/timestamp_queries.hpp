#pragma once
// A pool of GPU timestamps for profiling a recorded command buffer: reset the pool at the start of
// the recording, write a timestamp after each dispatch, read them back after the submit finished.
// Devices whose queue has no timestamps (timestampValidBits == 0) report unsupported.
#include <cstdint>
#include <vector>

#include <vulkan/vulkan.h>

#include "kernels/vk/device.hpp"
#include "runtime/result.hpp"

namespace infergrid::vk {

class timestamp_queries {
 public:
  static result<timestamp_queries> create(const device& dev, std::uint32_t capacity);

  timestamp_queries(timestamp_queries&& other) noexcept;
  timestamp_queries& operator=(timestamp_queries&& other) noexcept;
  timestamp_queries(const timestamp_queries&) = delete;
  timestamp_queries& operator=(const timestamp_queries&) = delete;
  ~timestamp_queries();

  std::uint32_t capacity() const { return capacity_; }
  void reset(VkCommandBuffer commands);  // record before the first write
  // Records a timestamp taken when every earlier command has finished (bottom of pipe).
  void write(VkCommandBuffer commands, std::uint32_t index);
  // Nanoseconds of timestamps 0..count-1 of the last finished submit.
  result<std::vector<double>> read_ns(std::uint32_t count) const;

 private:
  timestamp_queries() = default;
  void release();
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueryPool pool_ = VK_NULL_HANDLE;
  std::uint32_t capacity_ = 0;
  double period_ns_ = 1.0;
};

}  // namespace infergrid::vk

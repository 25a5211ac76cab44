#pragma once
// A logical device with one compute queue and a command pool, plus what the kernels need to know
// about it (name, type, limits, subgroup support, memory types). Owns its instance.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <vulkan/vulkan.h>

#include "kernels/vk/instance.hpp"
#include "runtime/result.hpp"

namespace infergrid::vk {

struct device_options {
  // Which device to use: empty = $INFERGRID_VK_DEVICE, else best by type (see device_selection.hpp).
  std::string device;
};

struct device_info {
  std::string name;
  VkPhysicalDeviceType type = VK_PHYSICAL_DEVICE_TYPE_OTHER;
  std::uint32_t api_version = 0;
  std::uint32_t subgroup_size = 1;
  bool subgroup_arithmetic = false;  // subgroupAdd/Max in compute shaders
  bool subgroup_shuffle = false;     // subgroupShuffle in compute shaders
  std::uint64_t max_storage_buffer_range = 0;
  std::uint64_t max_texel_buffer_elements = 0;
  std::uint64_t min_texel_buffer_offset_alignment = 1;
  std::uint64_t min_storage_buffer_offset_alignment = 1;
  std::uint32_t max_compute_shared_memory_bytes = 0;
  std::uint32_t max_workgroup_invocations = 0;
  std::uint32_t max_push_constants_bytes = 0;
  // storageBuffer16BitAccess (enabled when present): 16-bit floats in storage buffers (F16 KV cache).
  bool storage_16bit = false;
  bool is_cpu() const { return type == VK_PHYSICAL_DEVICE_TYPE_CPU; }
};

class device {
 public:
  static result<device> create(const device_options& options = {});

  device(device&& other) noexcept;
  device& operator=(device&& other) noexcept;
  device(const device&) = delete;
  device& operator=(const device&) = delete;
  ~device();

  VkDevice handle() const { return device_; }
  VkPhysicalDevice physical() const { return physical_; }
  VkQueue queue() const { return queue_; }
  VkCommandPool command_pool() const { return command_pool_; }
  std::uint32_t queue_family() const { return queue_family_; }
  const device_info& info() const { return info_; }
  const VkPhysicalDeviceMemoryProperties& memory() const { return memory_; }

  // "llvmpipe (LLVM 15.0.6, 256 bits) (CPU)"
  std::string description() const;
  // A CPU device's worker threads pinned one per CPU at creation (cpu_device_threads.hpp); 0 on GPUs.
  std::size_t pinned_threads() const { return pinned_threads_; }

 private:
  device() = default;
  void release();

  std::unique_ptr<vk::instance> instance_;  // destroyed after the device (see release())
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  std::uint32_t queue_family_ = 0;
  VkCommandPool command_pool_ = VK_NULL_HANDLE;
  device_info info_;
  VkPhysicalDeviceMemoryProperties memory_{};
  std::size_t pinned_threads_ = 0;
};

}  // namespace infergrid::vk

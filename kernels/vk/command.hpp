#pragma once
// A primary command buffer with its own fence: record dispatches and barriers once, submit many
// times. Submission waits are bounded (submit_wait_limit_ms).
#include <cstddef>
#include <cstdint>
#include <span>

#include <vulkan/vulkan.h>

#include "kernels/vk/device.hpp"
#include "runtime/result.hpp"

namespace infergrid::vk {

class compute_pipeline;

// Longest a single submission may run before we report a timeout instead of hanging (a whole
// prefill of a large model on a CPU device fits well inside).
inline constexpr std::uint64_t submit_wait_limit_ms = 600'000;

class command_buffer {
 public:
  static result<command_buffer> create(const device& dev);

  command_buffer(command_buffer&& other) noexcept;
  command_buffer& operator=(command_buffer&& other) noexcept;
  command_buffer(const command_buffer&) = delete;
  command_buffer& operator=(const command_buffer&) = delete;
  ~command_buffer();

  VkCommandBuffer handle() const { return commands_; }

  status begin();  // resets what was recorded before
  status end();    // closes with a barrier: every write visible to the host and to later submissions
  // Bind `pipeline` with descriptor set `set`, push `push_constants`, dispatch groups x*y*z.
  void dispatch(const compute_pipeline& pipeline, VkDescriptorSet set, std::span<const std::byte> push_constants,
                std::uint32_t groups_x, std::uint32_t groups_y = 1, std::uint32_t groups_z = 1);
  // Compute writes before this point are visible to compute reads and transfers after it.
  void barrier();

  status submit();           // queue the recorded commands
  status wait();             // wait for the last submit (bounded by submit_wait_limit_ms)
  status submit_and_wait();

 private:
  command_buffer() = default;
  void release();
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  VkCommandBuffer commands_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  bool pending_ = false;
};

}  // namespace infergrid::vk

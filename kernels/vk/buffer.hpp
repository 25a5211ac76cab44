#pragma once
// Buffers with their own memory. device_local: weights, activations, KV cache (filled through a
// staging buffer unless the memory is also host-visible, as on lavapipe's single memory type).
// host_visible: the few buffers the CPU writes (step inputs) or reads (logits), persistently mapped.
#include <cstddef>
#include <cstdint>
#include <span>

#include <vulkan/vulkan.h>

#include "kernels/vk/device.hpp"
#include "runtime/result.hpp"

namespace infergrid::vk {

enum class memory_kind { device_local, host_visible };

// Usage every buffer gets: storage, uniform texel (read-only views), transfer source and destination.
inline constexpr VkBufferUsageFlags buffer_usage =
    VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT |
    VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;

class buffer {
 public:
  static result<buffer> create(const device& dev, std::size_t size_bytes, memory_kind kind);

  buffer() = default;  // empty: owns nothing until assigned

  buffer(buffer&& other) noexcept;
  buffer& operator=(buffer&& other) noexcept;
  buffer(const buffer&) = delete;
  buffer& operator=(const buffer&) = delete;
  ~buffer();

  VkBuffer handle() const { return buffer_; }
  std::size_t size_bytes() const { return size_bytes_; }
  // Non-null when the memory is host-visible (always for host_visible, and for device_local on
  // devices whose device-local memory is host-visible too).
  std::byte* mapped() const { return mapped_; }
  // The mapping is cached on the host: reading it is as fast as reading any memory. (Uncached,
  // write-combined mappings are slow to read: copy out of them once, not several passes.)
  bool host_cached() const { return host_cached_; }

 private:
  void release();
  VkDevice device_ = VK_NULL_HANDLE;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  std::byte* mapped_ = nullptr;
  std::size_t size_bytes_ = 0;
  bool host_cached_ = false;
};

// How a transfer reaches a buffer: directly through the mapping when there is one (automatic), or
// always through the queue (staging buffers, transfer commands) — what discrete GPUs use; tests force
// it on devices whose memory is all host-visible.
enum class transfer_path { automatic, queue };

// Copy `bytes` into `target` at `offset_bytes`: directly when mapped, else through a bounded
// staging buffer and a transfer submitted on the device's queue (waits for completion).
status upload(const device& dev, buffer& target, std::span<const std::byte> bytes, std::size_t offset_bytes = 0,
              transfer_path path = transfer_path::automatic);

// Set every byte of `target` to zero (memset when mapped, else a transfer fill).
status fill_zero(const device& dev, buffer& target, transfer_path path = transfer_path::automatic);

// Copy `out.size()` bytes from `source` at `offset_bytes` (directly when mapped, else via staging).
status download(const device& dev, const buffer& source, std::span<std::byte> out, std::size_t offset_bytes = 0,
                transfer_path path = transfer_path::automatic);

// A typed read-only view of a buffer range, bound as a uniform texel buffer (texelFetch).
class buffer_view {
 public:
  static result<buffer_view> create(const device& dev, const buffer& source, VkFormat format,
                                    std::size_t offset_bytes, std::size_t range_bytes);

  buffer_view() = default;  // empty: owns nothing until assigned
  buffer_view(buffer_view&& other) noexcept;
  buffer_view& operator=(buffer_view&& other) noexcept;
  buffer_view(const buffer_view&) = delete;
  buffer_view& operator=(const buffer_view&) = delete;
  ~buffer_view();

  VkBufferView handle() const { return view_; }

 private:
  VkDevice device_ = VK_NULL_HANDLE;
  VkBufferView view_ = VK_NULL_HANDLE;
};

}  // namespace infergrid::vk

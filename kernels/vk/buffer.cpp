#include "kernels/vk/buffer.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "kernels/vk/command.hpp"
#include "kernels/vk/vk_error.hpp"

namespace infergrid::vk {
namespace {

// Staging buffers are at most this big; larger transfers go in several rounds.
constexpr std::size_t staging_chunk_bytes = 64u << 20;

std::optional<std::uint32_t> find_memory_type(const VkPhysicalDeviceMemoryProperties& memory, std::uint32_t allowed,
                                              VkMemoryPropertyFlags wanted) {
  for (std::uint32_t i = 0; i < memory.memoryTypeCount; ++i) {
    if ((allowed & (1u << i)) != 0 && (memory.memoryTypes[i].propertyFlags & wanted) == wanted) return i;
  }
  return std::nullopt;
}

std::optional<std::uint32_t> choose_memory_type(const VkPhysicalDeviceMemoryProperties& memory, std::uint32_t allowed,
                                                memory_kind kind) {
  if (kind == memory_kind::device_local) {
    if (auto t = find_memory_type(memory, allowed, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT)) return t;
    return find_memory_type(memory, allowed, 0);
  }
  const VkMemoryPropertyFlags visible = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  if (auto t = find_memory_type(memory, allowed, visible | VK_MEMORY_PROPERTY_HOST_CACHED_BIT)) return t;
  return find_memory_type(memory, allowed, visible);
}

// Copy between a buffer and a temporary staging buffer in chunks: from_host -> target when
// from_host is set, else target -> to_host.
status staged_copy(const device& dev, const buffer& target, const std::byte* from_host, std::byte* to_host,
                   std::size_t size, std::size_t offset) {
  const bool to_device = from_host != nullptr;
  const std::size_t chunk = std::min(size, staging_chunk_bytes);
  auto staging = buffer::create(dev, chunk, memory_kind::host_visible);
  if (!staging) return staging.err();
  auto commands = command_buffer::create(dev);
  if (!commands) return commands.err();
  for (std::size_t done = 0; done < size; done += chunk) {
    const std::size_t n = std::min(chunk, size - done);
    if (to_device) std::memcpy(staging->mapped(), from_host + done, n);
    IG_TRY(commands->begin());
    VkBufferCopy region{};
    region.size = n;
    if (to_device) {
      region.dstOffset = offset + done;
      vkCmdCopyBuffer(commands->handle(), staging->handle(), target.handle(), 1, &region);
    } else {
      region.srcOffset = offset + done;
      vkCmdCopyBuffer(commands->handle(), target.handle(), staging->handle(), 1, &region);
    }
    IG_TRY(commands->end());
    IG_TRY(commands->submit_and_wait());
    if (!to_device) std::memcpy(to_host + done, staging->mapped(), n);
  }
  return {};
}

status check_range(const buffer& b, std::size_t size, std::size_t offset) {
  if (offset > b.size_bytes() || size > b.size_bytes() - offset) {
    return make_error(error_code::invalid_argument, "buffer transfer of " + std::to_string(size) + " bytes at " +
                                                        std::to_string(offset) + " exceeds a buffer of " +
                                                        std::to_string(b.size_bytes()));
  }
  return {};
}

}  // namespace

result<buffer> buffer::create(const device& dev, std::size_t size_bytes, memory_kind kind) {
  buffer out;
  out.device_ = dev.handle();
  out.size_bytes_ = size_bytes;
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = std::max<std::size_t>(size_bytes, 16);
  info.usage = buffer_usage;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  IG_VK_TRY(vkCreateBuffer(out.device_, &info, nullptr, &out.buffer_), "vkCreateBuffer");
  VkMemoryRequirements requirements;
  vkGetBufferMemoryRequirements(out.device_, out.buffer_, &requirements);
  const auto type = choose_memory_type(dev.memory(), requirements.memoryTypeBits, kind);
  if (!type) return make_error(error_code::unsupported, "no suitable Vulkan memory type for a buffer");
  VkMemoryAllocateInfo allocate{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  allocate.allocationSize = requirements.size;
  allocate.memoryTypeIndex = *type;
  IG_VK_TRY(vkAllocateMemory(out.device_, &allocate, nullptr, &out.memory_),
            "vkAllocateMemory(" + std::to_string(requirements.size) + " bytes)");
  IG_VK_TRY(vkBindBufferMemory(out.device_, out.buffer_, out.memory_, 0), "vkBindBufferMemory");
  const VkMemoryPropertyFlags flags = dev.memory().memoryTypes[*type].propertyFlags;
  const VkMemoryPropertyFlags visible = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  if ((flags & visible) == visible) {
    void* pointer = nullptr;
    IG_VK_TRY(vkMapMemory(out.device_, out.memory_, 0, VK_WHOLE_SIZE, 0, &pointer), "vkMapMemory");
    out.mapped_ = static_cast<std::byte*>(pointer);
    out.host_cached_ = (flags & VK_MEMORY_PROPERTY_HOST_CACHED_BIT) != 0;
  }
  return out;
}

buffer::buffer(buffer&& other) noexcept { *this = std::move(other); }

buffer& buffer::operator=(buffer&& other) noexcept {
  if (this != &other) {
    release();
    device_ = std::exchange(other.device_, VK_NULL_HANDLE);
    buffer_ = std::exchange(other.buffer_, VK_NULL_HANDLE);
    memory_ = std::exchange(other.memory_, VK_NULL_HANDLE);
    mapped_ = std::exchange(other.mapped_, nullptr);
    size_bytes_ = std::exchange(other.size_bytes_, 0);
    host_cached_ = std::exchange(other.host_cached_, false);
  }
  return *this;
}

void buffer::release() {
  if (device_ == VK_NULL_HANDLE) return;
  if (buffer_ != VK_NULL_HANDLE) vkDestroyBuffer(device_, buffer_, nullptr);
  if (memory_ != VK_NULL_HANDLE) vkFreeMemory(device_, memory_, nullptr);  // unmaps implicitly
  buffer_ = VK_NULL_HANDLE;
  memory_ = VK_NULL_HANDLE;
  mapped_ = nullptr;
}

buffer::~buffer() { release(); }

status upload(const device& dev, buffer& target, std::span<const std::byte> bytes, std::size_t offset_bytes,
              transfer_path path) {
  IG_TRY(check_range(target, bytes.size(), offset_bytes));
  if (bytes.empty()) return {};
  if (target.mapped() != nullptr && path == transfer_path::automatic) {
    std::memcpy(target.mapped() + offset_bytes, bytes.data(), bytes.size());
    return {};
  }
  return staged_copy(dev, target, bytes.data(), nullptr, bytes.size(), offset_bytes);
}

status download(const device& dev, const buffer& source, std::span<std::byte> out, std::size_t offset_bytes,
                transfer_path path) {
  IG_TRY(check_range(source, out.size(), offset_bytes));
  if (out.empty()) return {};
  if (source.mapped() != nullptr && path == transfer_path::automatic) {
    std::memcpy(out.data(), source.mapped() + offset_bytes, out.size());
    return {};
  }
  return staged_copy(dev, source, nullptr, out.data(), out.size(), offset_bytes);
}

status fill_zero(const device& dev, buffer& target, transfer_path path) {
  if (target.mapped() != nullptr && path == transfer_path::automatic) {
    std::memset(target.mapped(), 0, target.size_bytes());
    return {};
  }
  auto commands = command_buffer::create(dev);
  if (!commands) return commands.err();
  IG_TRY(commands->begin());
  vkCmdFillBuffer(commands->handle(), target.handle(), 0, VK_WHOLE_SIZE, 0);
  IG_TRY(commands->end());
  return commands->submit_and_wait();
}

result<buffer_view> buffer_view::create(const device& dev, const buffer& source, VkFormat format,
                                        std::size_t offset_bytes, std::size_t range_bytes) {
  buffer_view out;
  out.device_ = dev.handle();
  VkBufferViewCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO};
  info.buffer = source.handle();
  info.format = format;
  info.offset = offset_bytes;
  info.range = range_bytes;
  IG_VK_TRY(vkCreateBufferView(out.device_, &info, nullptr, &out.view_), "vkCreateBufferView");
  return out;
}

buffer_view::buffer_view(buffer_view&& other) noexcept
    : device_(std::exchange(other.device_, VK_NULL_HANDLE)), view_(std::exchange(other.view_, VK_NULL_HANDLE)) {}

buffer_view& buffer_view::operator=(buffer_view&& other) noexcept {
  if (this != &other) {
    if (view_ != VK_NULL_HANDLE) vkDestroyBufferView(device_, view_, nullptr);
    device_ = std::exchange(other.device_, VK_NULL_HANDLE);
    view_ = std::exchange(other.view_, VK_NULL_HANDLE);
  }
  return *this;
}

buffer_view::~buffer_view() {
  if (view_ != VK_NULL_HANDLE) vkDestroyBufferView(device_, view_, nullptr);
}

}  // namespace infergrid::vk

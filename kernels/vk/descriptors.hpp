#pragma once
// Descriptor sets: a pool sized for a number of sets, and one call that points every binding of a
// set at its resource (a storage buffer range or a texel view), checked against the pipeline.
#include <cstdint>
#include <span>

#include <vulkan/vulkan.h>

#include "kernels/vk/buffer.hpp"
#include "kernels/vk/device.hpp"
#include "kernels/vk/pipeline.hpp"
#include "runtime/result.hpp"

namespace infergrid::vk {

// What one binding points at: a storage buffer range, or a texel view (view != null).
struct resource {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceSize offset_bytes = 0;
  VkDeviceSize range_bytes = VK_WHOLE_SIZE;
  VkBufferView view = VK_NULL_HANDLE;
};

inline resource storage(const buffer& b, VkDeviceSize offset_bytes = 0, VkDeviceSize range_bytes = VK_WHOLE_SIZE) {
  return resource{b.handle(), offset_bytes, range_bytes, VK_NULL_HANDLE};
}
inline resource texel(const buffer_view& v) { return resource{VK_NULL_HANDLE, 0, 0, v.handle()}; }

class descriptor_pool {
 public:
  // Room for `max_sets` sets of up to `max_bindings_per_set` bindings of each kind.
  static result<descriptor_pool> create(const device& dev, std::uint32_t max_sets, std::uint32_t max_bindings_per_set);

  descriptor_pool(descriptor_pool&& other) noexcept;
  descriptor_pool& operator=(descriptor_pool&& other) noexcept;
  descriptor_pool(const descriptor_pool&) = delete;
  descriptor_pool& operator=(const descriptor_pool&) = delete;
  ~descriptor_pool();

  // A set for `pipeline` with each binding i pointing at resources[i]; freed with the pool.
  result<VkDescriptorSet> make_set(const compute_pipeline& pipeline, std::span<const resource> resources);

 private:
  descriptor_pool() = default;
  VkDevice device_ = VK_NULL_HANDLE;
  VkDescriptorPool pool_ = VK_NULL_HANDLE;
};

}  // namespace infergrid::vk

#pragma once
// A compute pipeline from embedded SPIR-V: its descriptor set layout (one binding per resource,
// each a storage buffer or a uniform texel buffer), a push constant block, and specialization
// constants 0..n-1 (constant 0 is the workgroup size by convention, see glsl/include/common.glsl).
#include <cstdint>
#include <span>
#include <vector>

#include <vulkan/vulkan.h>

#include "kernels/vk/device.hpp"
#include "runtime/result.hpp"

namespace infergrid::vk {

enum class binding_kind { storage_buffer, texel_buffer };

struct pipeline_desc {
  std::span<const std::uint32_t> spirv;
  std::vector<binding_kind> bindings;
  std::uint32_t push_constant_bytes = 0;
  std::vector<std::uint32_t> specialization;  // constant_id i = specialization[i]
};

class compute_pipeline {
 public:
  static result<compute_pipeline> create(const device& dev, const pipeline_desc& desc);

  compute_pipeline(compute_pipeline&& other) noexcept;
  compute_pipeline& operator=(compute_pipeline&& other) noexcept;
  compute_pipeline(const compute_pipeline&) = delete;
  compute_pipeline& operator=(const compute_pipeline&) = delete;
  ~compute_pipeline();

  VkPipeline handle() const { return pipeline_; }
  VkPipelineLayout layout() const { return layout_; }
  VkDescriptorSetLayout set_layout() const { return set_layout_; }
  const std::vector<binding_kind>& bindings() const { return bindings_; }

 private:
  compute_pipeline() = default;
  void release();
  VkDevice device_ = VK_NULL_HANDLE;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline pipeline_ = VK_NULL_HANDLE;
  std::vector<binding_kind> bindings_;
};

}  // namespace infergrid::vk

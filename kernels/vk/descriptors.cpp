#include "kernels/vk/descriptors.hpp"

#include <utility>
#include <vector>

#include "kernels/vk/vk_error.hpp"

namespace infergrid::vk {

result<descriptor_pool> descriptor_pool::create(const device& dev, std::uint32_t max_sets,
                                                std::uint32_t max_bindings_per_set) {
  descriptor_pool out;
  out.device_ = dev.handle();
  const VkDescriptorPoolSize sizes[] = {
      {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, max_sets * max_bindings_per_set},
      {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, max_sets * max_bindings_per_set},
  };
  VkDescriptorPoolCreateInfo info{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  info.maxSets = max_sets;
  info.poolSizeCount = 2;
  info.pPoolSizes = sizes;
  IG_VK_TRY(vkCreateDescriptorPool(out.device_, &info, nullptr, &out.pool_), "vkCreateDescriptorPool");
  return out;
}

descriptor_pool::descriptor_pool(descriptor_pool&& other) noexcept
    : device_(std::exchange(other.device_, VK_NULL_HANDLE)), pool_(std::exchange(other.pool_, VK_NULL_HANDLE)) {}

descriptor_pool& descriptor_pool::operator=(descriptor_pool&& other) noexcept {
  if (this != &other) {
    if (pool_ != VK_NULL_HANDLE) vkDestroyDescriptorPool(device_, pool_, nullptr);
    device_ = std::exchange(other.device_, VK_NULL_HANDLE);
    pool_ = std::exchange(other.pool_, VK_NULL_HANDLE);
  }
  return *this;
}

descriptor_pool::~descriptor_pool() {
  if (pool_ != VK_NULL_HANDLE) vkDestroyDescriptorPool(device_, pool_, nullptr);
}

result<VkDescriptorSet> descriptor_pool::make_set(const compute_pipeline& pipeline,
                                                  std::span<const resource> resources) {
  const std::vector<binding_kind>& kinds = pipeline.bindings();
  if (resources.size() != kinds.size()) {
    return make_error(error_code::invalid_argument, "descriptor set needs " + std::to_string(kinds.size()) +
                                                        " resources, got " + std::to_string(resources.size()));
  }
  VkDescriptorSetLayout layout = pipeline.set_layout();
  VkDescriptorSetAllocateInfo allocate{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
  allocate.descriptorPool = pool_;
  allocate.descriptorSetCount = 1;
  allocate.pSetLayouts = &layout;
  VkDescriptorSet set = VK_NULL_HANDLE;
  IG_VK_TRY(vkAllocateDescriptorSets(device_, &allocate, &set), "vkAllocateDescriptorSets");

  std::vector<VkDescriptorBufferInfo> buffer_infos(resources.size());
  std::vector<VkWriteDescriptorSet> writes(resources.size());
  for (std::size_t i = 0; i < resources.size(); ++i) {
    const bool is_texel = kinds[i] == binding_kind::texel_buffer;
    if (is_texel != (resources[i].view != VK_NULL_HANDLE)) {
      return make_error(error_code::invalid_argument, "descriptor binding " + std::to_string(i) + " expects a " +
                                                          (is_texel ? "texel view" : "storage buffer"));
    }
    VkWriteDescriptorSet& w = writes[i];
    w = VkWriteDescriptorSet{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    w.dstSet = set;
    w.dstBinding = static_cast<std::uint32_t>(i);
    w.descriptorCount = 1;
    if (is_texel) {
      w.descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER;
      w.pTexelBufferView = &resources[i].view;
    } else {
      buffer_infos[i] = {resources[i].buffer, resources[i].offset_bytes, resources[i].range_bytes};
      w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      w.pBufferInfo = &buffer_infos[i];
    }
  }
  vkUpdateDescriptorSets(device_, static_cast<std::uint32_t>(writes.size()), writes.data(), 0, nullptr);
  return set;
}

}  // namespace infergrid::vk

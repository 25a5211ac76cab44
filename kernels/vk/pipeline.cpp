#include "kernels/vk/pipeline.hpp"

#include <utility>

#include "kernels/vk/vk_error.hpp"

namespace infergrid::vk {

result<compute_pipeline> compute_pipeline::create(const device& dev, const pipeline_desc& desc) {
  if (desc.spirv.empty()) return make_error(error_code::invalid_argument, "empty SPIR-V for a compute pipeline");
  if (desc.push_constant_bytes > dev.info().max_push_constants_bytes) {
    return make_error(error_code::unsupported, "push constants exceed the device limit");
  }
  compute_pipeline out;
  out.device_ = dev.handle();
  out.bindings_ = desc.bindings;

  std::vector<VkDescriptorSetLayoutBinding> bindings;
  for (std::uint32_t i = 0; i < desc.bindings.size(); ++i) {
    VkDescriptorSetLayoutBinding b{};
    b.binding = i;
    b.descriptorType = desc.bindings[i] == binding_kind::storage_buffer ? VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
                                                                       : VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER;
    b.descriptorCount = 1;
    b.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    bindings.push_back(b);
  }
  VkDescriptorSetLayoutCreateInfo set_info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  set_info.bindingCount = static_cast<std::uint32_t>(bindings.size());
  set_info.pBindings = bindings.data();
  IG_VK_TRY(vkCreateDescriptorSetLayout(out.device_, &set_info, nullptr, &out.set_layout_),
            "vkCreateDescriptorSetLayout");

  VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, desc.push_constant_bytes};
  VkPipelineLayoutCreateInfo layout_info{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  layout_info.setLayoutCount = 1;
  layout_info.pSetLayouts = &out.set_layout_;
  layout_info.pushConstantRangeCount = desc.push_constant_bytes > 0 ? 1 : 0;
  layout_info.pPushConstantRanges = &range;
  IG_VK_TRY(vkCreatePipelineLayout(out.device_, &layout_info, nullptr, &out.layout_), "vkCreatePipelineLayout");

  VkShaderModuleCreateInfo module_info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  module_info.codeSize = desc.spirv.size_bytes();
  module_info.pCode = desc.spirv.data();
  VkShaderModule module = VK_NULL_HANDLE;
  IG_VK_TRY(vkCreateShaderModule(out.device_, &module_info, nullptr, &module), "vkCreateShaderModule");

  std::vector<VkSpecializationMapEntry> entries;
  for (std::uint32_t i = 0; i < desc.specialization.size(); ++i) {
    entries.push_back({i, static_cast<std::uint32_t>(i * sizeof(std::uint32_t)), sizeof(std::uint32_t)});
  }
  VkSpecializationInfo specialization{};
  specialization.mapEntryCount = static_cast<std::uint32_t>(entries.size());
  specialization.pMapEntries = entries.data();
  specialization.dataSize = desc.specialization.size() * sizeof(std::uint32_t);
  specialization.pData = desc.specialization.data();

  VkComputePipelineCreateInfo pipeline_info{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  pipeline_info.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  pipeline_info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  pipeline_info.stage.module = module;
  pipeline_info.stage.pName = "main";
  pipeline_info.stage.pSpecializationInfo = &specialization;
  pipeline_info.layout = out.layout_;
  const VkResult created =
      vkCreateComputePipelines(out.device_, VK_NULL_HANDLE, 1, &pipeline_info, nullptr, &out.pipeline_);
  vkDestroyShaderModule(out.device_, module, nullptr);
  IG_VK_TRY(created, "vkCreateComputePipelines");
  return out;
}

compute_pipeline::compute_pipeline(compute_pipeline&& other) noexcept { *this = std::move(other); }

compute_pipeline& compute_pipeline::operator=(compute_pipeline&& other) noexcept {
  if (this != &other) {
    release();
    device_ = std::exchange(other.device_, VK_NULL_HANDLE);
    set_layout_ = std::exchange(other.set_layout_, VK_NULL_HANDLE);
    layout_ = std::exchange(other.layout_, VK_NULL_HANDLE);
    pipeline_ = std::exchange(other.pipeline_, VK_NULL_HANDLE);
    bindings_ = std::move(other.bindings_);
  }
  return *this;
}

void compute_pipeline::release() {
  if (device_ == VK_NULL_HANDLE) return;
  if (pipeline_ != VK_NULL_HANDLE) vkDestroyPipeline(device_, pipeline_, nullptr);
  if (layout_ != VK_NULL_HANDLE) vkDestroyPipelineLayout(device_, layout_, nullptr);
  if (set_layout_ != VK_NULL_HANDLE) vkDestroyDescriptorSetLayout(device_, set_layout_, nullptr);
  pipeline_ = VK_NULL_HANDLE;
  layout_ = VK_NULL_HANDLE;
  set_layout_ = VK_NULL_HANDLE;
}

compute_pipeline::~compute_pipeline() { release(); }

}  // namespace infergrid::vk

#include "kernels/vk/device.hpp"

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "kernels/vk/cpu_device_threads.hpp"
#include "kernels/vk/device_selection.hpp"
#include "kernels/vk/vk_error.hpp"

namespace infergrid::vk {
namespace {

std::optional<std::uint32_t> compute_queue_family(VkPhysicalDevice physical) {
  std::uint32_t count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, nullptr);
  std::vector<VkQueueFamilyProperties> families(count);
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, families.data());
  // Prefer a compute-only family (dedicated async compute), else any family with compute.
  std::optional<std::uint32_t> any;
  for (std::uint32_t i = 0; i < count; ++i) {
    if ((families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) == 0) continue;
    if ((families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) == 0) return i;
    if (!any) any = i;
  }
  return any;
}

device_info query_info(VkPhysicalDevice physical) {
  VkPhysicalDeviceSubgroupProperties subgroup{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
  VkPhysicalDeviceProperties2 properties{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
  properties.pNext = &subgroup;
  vkGetPhysicalDeviceProperties2(physical, &properties);
  const VkPhysicalDeviceLimits& limits = properties.properties.limits;
  device_info info;
  info.name = properties.properties.deviceName;
  info.type = properties.properties.deviceType;
  info.api_version = properties.properties.apiVersion;
  info.subgroup_size = subgroup.subgroupSize == 0 ? 1 : subgroup.subgroupSize;
  const VkSubgroupFeatureFlags needed = VK_SUBGROUP_FEATURE_BASIC_BIT | VK_SUBGROUP_FEATURE_ARITHMETIC_BIT;
  info.subgroup_arithmetic = (subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) != 0 &&
                             (subgroup.supportedOperations & needed) == needed;
  info.subgroup_shuffle = info.subgroup_arithmetic && (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_SHUFFLE_BIT) != 0;
  info.max_storage_buffer_range = limits.maxStorageBufferRange;
  info.max_texel_buffer_elements = limits.maxTexelBufferElements;
  info.min_texel_buffer_offset_alignment = limits.minTexelBufferOffsetAlignment;
  info.min_storage_buffer_offset_alignment = limits.minStorageBufferOffsetAlignment;
  info.max_compute_shared_memory_bytes = limits.maxComputeSharedMemorySize;
  info.max_workgroup_invocations = limits.maxComputeWorkGroupInvocations;
  info.max_push_constants_bytes = limits.maxPushConstantsSize;
  VkPhysicalDevice16BitStorageFeatures storage16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
  VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  features.pNext = &storage16;
  vkGetPhysicalDeviceFeatures2(physical, &features);
  info.storage_16bit = storage16.storageBuffer16BitAccess == VK_TRUE;
  return info;
}

}  // namespace

result<device> device::create(const device_options& options) {
  const thread_snapshot threads_before = thread_snapshot::now();  // a CPU driver starts its workers below
  auto inst = instance::create();
  if (!inst) return inst.err();
  device out;
  out.instance_ = std::make_unique<vk::instance>(std::move(*inst));

  std::uint32_t count = 0;
  IG_VK_TRY(vkEnumeratePhysicalDevices(out.instance_->handle(), &count, nullptr), "vkEnumeratePhysicalDevices");
  std::vector<VkPhysicalDevice> physicals(count);
  IG_VK_TRY(vkEnumeratePhysicalDevices(out.instance_->handle(), &count, physicals.data()),
            "vkEnumeratePhysicalDevices");
  std::vector<device_candidate> candidates;
  for (VkPhysicalDevice p : physicals) {
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(p, &props);
    candidates.push_back({props.deviceName, props.deviceType, compute_queue_family(p).has_value()});
  }
  auto chosen = choose_device(candidates, device_request(options.device));
  if (!chosen) return chosen.err();
  out.physical_ = physicals[*chosen];
  out.queue_family_ = *compute_queue_family(out.physical_);
  out.info_ = query_info(out.physical_);
  if (out.info_.api_version < VK_API_VERSION_1_1) {
    return make_error(error_code::unsupported, "Vulkan device '" + out.info_.name + "' supports only API 1.0");
  }
  vkGetPhysicalDeviceMemoryProperties(out.physical_, &out.memory_);

  const float priority = 1.0f;
  VkDeviceQueueCreateInfo queue_info{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  queue_info.queueFamilyIndex = out.queue_family_;
  queue_info.queueCount = 1;
  queue_info.pQueuePriorities = &priority;
  VkPhysicalDevice16BitStorageFeatures storage16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
  storage16.storageBuffer16BitAccess = out.info_.storage_16bit ? VK_TRUE : VK_FALSE;
  VkDeviceCreateInfo device_info_create{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  device_info_create.pNext = &storage16;
  device_info_create.queueCreateInfoCount = 1;
  device_info_create.pQueueCreateInfos = &queue_info;
  IG_VK_TRY(vkCreateDevice(out.physical_, &device_info_create, nullptr, &out.device_), "vkCreateDevice");
  vkGetDeviceQueue(out.device_, out.queue_family_, 0, &out.queue_);

  VkCommandPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pool_info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pool_info.queueFamilyIndex = out.queue_family_;
  IG_VK_TRY(vkCreateCommandPool(out.device_, &pool_info, nullptr, &out.command_pool_), "vkCreateCommandPool");
  if (out.info_.is_cpu()) out.pinned_threads_ = pin_new_threads(threads_before);
  return out;
}

std::string device::description() const {
  return info_.name + " (" + std::string(device_type_name(info_.type)) + ")";
}

device::device(device&& other) noexcept { *this = std::move(other); }

device& device::operator=(device&& other) noexcept {
  if (this != &other) {
    release();
    instance_ = std::move(other.instance_);
    physical_ = std::exchange(other.physical_, VK_NULL_HANDLE);
    device_ = std::exchange(other.device_, VK_NULL_HANDLE);
    queue_ = std::exchange(other.queue_, VK_NULL_HANDLE);
    queue_family_ = other.queue_family_;
    command_pool_ = std::exchange(other.command_pool_, VK_NULL_HANDLE);
    info_ = std::move(other.info_);
    pinned_threads_ = other.pinned_threads_;
    memory_ = other.memory_;
  }
  return *this;
}

void device::release() {
  if (device_ != VK_NULL_HANDLE) {
    vkDeviceWaitIdle(device_);
    if (command_pool_ != VK_NULL_HANDLE) vkDestroyCommandPool(device_, command_pool_, nullptr);
    vkDestroyDevice(device_, nullptr);
  }
  instance_.reset();
  device_ = VK_NULL_HANDLE;
  command_pool_ = VK_NULL_HANDLE;
}

device::~device() { release(); }

}  // namespace infergrid::vk

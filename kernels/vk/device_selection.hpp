#pragma once
// Choosing a physical device: a discrete GPU first, then integrated, virtual, and last a CPU
// implementation (lavapipe). A request (config field or INFERGRID_VK_DEVICE) overrides the ranking:
// all digits = an index into the enumeration order, anything else = a case-insensitive substring
// of the device name.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vulkan/vulkan.h>

#include "runtime/result.hpp"

namespace infergrid::vk {

struct device_candidate {
  std::string name;
  VkPhysicalDeviceType type = VK_PHYSICAL_DEVICE_TYPE_OTHER;
  bool has_compute_queue = false;
};

// Index of the device to use among `candidates` (enumeration order). `request` empty = rank by type.
result<std::size_t> choose_device(const std::vector<device_candidate>& candidates, std::string_view request);

// The request to honour: `configured` if not empty, else $INFERGRID_VK_DEVICE, else empty.
std::string device_request(std::string_view configured);

std::string_view device_type_name(VkPhysicalDeviceType type);

}  // namespace infergrid::vk

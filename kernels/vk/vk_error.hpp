#pragma once
// Vulkan errors become `error` values here, at the library boundary, with the VkResult's name.
#include <string_view>

#include <vulkan/vulkan.h>

#include "runtime/result.hpp"

namespace infergrid::vk {

// "VK_ERROR_OUT_OF_DEVICE_MEMORY" etc.; "VkResult(<n>)" for a value this header does not know.
std::string_view result_name(VkResult code);

// A device_error naming what failed and the VkResult.
error vk_error(std::string_view what, VkResult code);

// status from a Vulkan call: ok for VK_SUCCESS, else vk_error(what, code).
inline status check(VkResult code, std::string_view what) {
  if (code == VK_SUCCESS) return {};
  return vk_error(what, code);
}

}  // namespace infergrid::vk

// Propagate a failed Vulkan call as an error value: IG_VK_TRY(vkCreateX(...), "creating X").
#define IG_VK_TRY(call, what) IG_TRY(::infergrid::vk::check((call), (what)))

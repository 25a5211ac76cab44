#include "kernels/vk/validation_messages.hpp"

#include <atomic>
#include <cstdio>

namespace infergrid::vk {
namespace {

std::atomic<std::uint64_t> errors{0};

VKAPI_ATTR VkBool32 VKAPI_CALL validation_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                  VkDebugUtilsMessageTypeFlagsEXT,
                                                  const VkDebugUtilsMessengerCallbackDataEXT* data, void*) {
  const bool error = (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) != 0;
  if (error) errors.fetch_add(1, std::memory_order_relaxed);
  std::fprintf(stderr, "vulkan validation %s: %s\n", error ? "error" : "warning",
               data != nullptr && data->pMessage != nullptr ? data->pMessage : "(no message)");
  return VK_FALSE;  // the call goes on as without the layer
}

}  // namespace

std::uint64_t validation_errors() { return errors.load(std::memory_order_relaxed); }

VkDebugUtilsMessengerCreateInfoEXT validation_messenger_info() {
  VkDebugUtilsMessengerCreateInfoEXT info{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
  info.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT;
  info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
  info.pfnUserCallback = validation_message;
  return info;
}

}  // namespace infergrid::vk

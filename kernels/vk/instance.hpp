#pragma once
// The Vulkan instance: API version 1.1 up to 1.3 (whatever the loader offers), no layers unless
// INFERGRID_VK_VALIDATION=1 asks for the Khronos validation layer (then required, with
// synchronization validation, its messages to validation_messages.hpp).
#include <cstdint>

#include <vulkan/vulkan.h>

#include "runtime/result.hpp"

namespace infergrid::vk {

class instance {
 public:
  static result<instance> create();

  instance(instance&& other) noexcept;
  instance& operator=(instance&& other) noexcept;
  instance(const instance&) = delete;
  instance& operator=(const instance&) = delete;
  ~instance();

  VkInstance handle() const { return handle_; }
  std::uint32_t api_version() const { return api_version_; }

 private:
  instance(VkInstance handle, std::uint32_t api_version) : handle_(handle), api_version_(api_version) {}
  void destroy();
  VkInstance handle_ = VK_NULL_HANDLE;
  std::uint32_t api_version_ = 0;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
};

}  // namespace infergrid::vk

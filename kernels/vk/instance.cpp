#include "kernels/vk/instance.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include "kernels/vk/vk_error.hpp"

namespace infergrid::vk {
namespace {

// The newest API we use: Debian 12's headers are 1.3.239; nothing newer is required.
constexpr std::uint32_t newest_api_version = VK_API_VERSION_1_3;
// Subgroup operations in compute shaders are core from 1.1: the oldest API we accept.
constexpr std::uint32_t oldest_api_version = VK_API_VERSION_1_1;
constexpr const char* validation_layer = "VK_LAYER_KHRONOS_validation";

bool validation_requested() {
  const char* value = std::getenv("INFERGRID_VK_VALIDATION");
  return value != nullptr && std::strcmp(value, "1") == 0;
}

bool layer_present(const char* name) {
  std::uint32_t count = 0;
  if (vkEnumerateInstanceLayerProperties(&count, nullptr) != VK_SUCCESS) return false;
  std::vector<VkLayerProperties> layers(count);
  if (vkEnumerateInstanceLayerProperties(&count, layers.data()) != VK_SUCCESS) return false;
  return std::any_of(layers.begin(), layers.end(),
                     [&](const VkLayerProperties& p) { return std::strcmp(p.layerName, name) == 0; });
}

}  // namespace

result<instance> instance::create() {
  std::uint32_t loader_version = VK_API_VERSION_1_0;
  IG_VK_TRY(vkEnumerateInstanceVersion(&loader_version), "vkEnumerateInstanceVersion");
  if (loader_version < oldest_api_version) {
    return make_error(error_code::unsupported, "the Vulkan loader offers only API 1.0; 1.1 or newer is needed");
  }
  const std::uint32_t api_version = std::min(loader_version, newest_api_version);

  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "infergrid";
  app.applicationVersion = VK_MAKE_API_VERSION(0, 0, 1, 0);
  app.pEngineName = "infergrid";
  app.engineVersion = VK_MAKE_API_VERSION(0, 0, 1, 0);
  app.apiVersion = api_version;

  std::vector<const char*> layers;
  if (validation_requested() && layer_present(validation_layer)) layers.push_back(validation_layer);

  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  info.pApplicationInfo = &app;
  info.enabledLayerCount = static_cast<std::uint32_t>(layers.size());
  info.ppEnabledLayerNames = layers.data();
  VkInstance handle = VK_NULL_HANDLE;
  IG_VK_TRY(vkCreateInstance(&info, nullptr, &handle), "vkCreateInstance");
  return instance(handle, api_version);
}

instance::instance(instance&& other) noexcept
    : handle_(std::exchange(other.handle_, VK_NULL_HANDLE)), api_version_(other.api_version_) {}

instance& instance::operator=(instance&& other) noexcept {
  if (this != &other) {
    if (handle_ != VK_NULL_HANDLE) vkDestroyInstance(handle_, nullptr);
    handle_ = std::exchange(other.handle_, VK_NULL_HANDLE);
    api_version_ = other.api_version_;
  }
  return *this;
}

instance::~instance() {
  if (handle_ != VK_NULL_HANDLE) vkDestroyInstance(handle_, nullptr);
}

}  // namespace infergrid::vk

#include "kernels/vk/instance.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include "kernels/vk/validation_messages.hpp"
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

  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  info.pApplicationInfo = &app;
  const bool validated = validation_requested();
  // With the layer: its messages to validation_messages (also while the instance is made and
  // destroyed), and synchronization validation on top of core validation.
  const std::array<const char*, 1> layers{validation_layer};
  const std::array<const char*, 2> extensions{VK_EXT_DEBUG_UTILS_EXTENSION_NAME, VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME};
  const std::array<VkValidationFeatureEnableEXT, 1> enables{VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
  VkValidationFeaturesEXT features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
  VkDebugUtilsMessengerCreateInfoEXT messenger_info = validation_messenger_info();
  if (validated) {
    if (!layer_present(validation_layer)) {
      return make_error(error_code::unsupported, std::string("INFERGRID_VK_VALIDATION=1 asks for ") + validation_layer +
                                                     ", which is not installed (Debian: apt-get install vulkan-validationlayers)");
    }
    features.enabledValidationFeatureCount = static_cast<std::uint32_t>(enables.size());
    features.pEnabledValidationFeatures = enables.data();
    features.pNext = &messenger_info;
    info.pNext = &features;
    info.enabledLayerCount = static_cast<std::uint32_t>(layers.size());
    info.ppEnabledLayerNames = layers.data();
    info.enabledExtensionCount = static_cast<std::uint32_t>(extensions.size());
    info.ppEnabledExtensionNames = extensions.data();
  }
  VkInstance handle = VK_NULL_HANDLE;
  IG_VK_TRY(vkCreateInstance(&info, nullptr, &handle), "vkCreateInstance");
  instance made(handle, api_version);
  if (validated) {
    const auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(handle, "vkCreateDebugUtilsMessengerEXT"));
    if (create == nullptr) return make_error(error_code::unsupported, "the validation layer offers no VK_EXT_debug_utils");
    IG_VK_TRY(create(handle, &messenger_info, nullptr, &made.messenger_), "vkCreateDebugUtilsMessengerEXT");
  }
  return made;
}

instance::instance(instance&& other) noexcept
    : handle_(std::exchange(other.handle_, VK_NULL_HANDLE)),
      api_version_(other.api_version_),
      messenger_(std::exchange(other.messenger_, VK_NULL_HANDLE)) {}

instance& instance::operator=(instance&& other) noexcept {
  if (this != &other) {
    destroy();
    handle_ = std::exchange(other.handle_, VK_NULL_HANDLE);
    api_version_ = other.api_version_;
    messenger_ = std::exchange(other.messenger_, VK_NULL_HANDLE);
  }
  return *this;
}

instance::~instance() { destroy(); }

void instance::destroy() {
  if (handle_ == VK_NULL_HANDLE) return;
  if (messenger_ != VK_NULL_HANDLE) {
    const auto destroy_messenger = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(handle_, "vkDestroyDebugUtilsMessengerEXT"));
    if (destroy_messenger != nullptr) destroy_messenger(handle_, messenger_, nullptr);
    messenger_ = VK_NULL_HANDLE;
  }
  vkDestroyInstance(handle_, nullptr);
  handle_ = VK_NULL_HANDLE;
}

}  // namespace infergrid::vk

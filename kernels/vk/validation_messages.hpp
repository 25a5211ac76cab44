#pragma once
// What the Khronos validation layer reports while INFERGRID_VK_VALIDATION=1 (instance.hpp): every
// message goes to stderr, and errors — core validation's and synchronization validation's hazards
// (a dispatch reading what an earlier one writes with no barrier between: harmless on lavapipe,
// which runs one dispatch after another, wrong on a GPU) — are counted, so a test run under the
// layer can fail on any (the vulkan_validation ctest entries of kernels/engine).
#include <cstdint>

#include <vulkan/vulkan.h>

namespace infergrid::vk {

// Errors the layer reported in this process so far.
std::uint64_t validation_errors();

// The messenger's create info: errors and warnings, to validation_message.
VkDebugUtilsMessengerCreateInfoEXT validation_messenger_info();

}  // namespace infergrid::vk

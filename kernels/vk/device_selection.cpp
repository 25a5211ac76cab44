#include "kernels/vk/device_selection.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace infergrid::vk {
namespace {

// Lower is better.
int type_rank(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return 3;
    default: return 4;
  }
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string list_names(const std::vector<device_candidate>& candidates) {
  std::string out;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(i) + ": " + candidates[i].name;
  }
  return out;
}

}  // namespace

result<std::size_t> choose_device(const std::vector<device_candidate>& candidates, std::string_view request) {
  if (candidates.empty()) return make_error(error_code::unavailable, "no Vulkan device found");
  if (!request.empty()) {
    std::optional<std::size_t> chosen;
    if (all_digits(request)) {
      std::size_t index = 0;
      std::from_chars(request.data(), request.data() + request.size(), index);
      if (index < candidates.size()) chosen = index;
    } else {
      const std::string needle = lower(request);
      for (std::size_t i = 0; i < candidates.size() && !chosen; ++i) {
        if (lower(candidates[i].name).find(needle) != std::string::npos) chosen = i;
      }
    }
    if (!chosen) {
      return make_error(error_code::not_found, "no Vulkan device matches '" + std::string(request) +
                                                   "' (devices: " + list_names(candidates) + ")");
    }
    if (!candidates[*chosen].has_compute_queue) {
      return make_error(error_code::unsupported, "Vulkan device '" + candidates[*chosen].name + "' has no compute queue");
    }
    return *chosen;
  }
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (!candidates[i].has_compute_queue) continue;
    if (!best || type_rank(candidates[i].type) < type_rank(candidates[*best].type)) best = i;
  }
  if (!best) return make_error(error_code::unsupported, "no Vulkan device with a compute queue (devices: " + list_names(candidates) + ")");
  return *best;
}

std::string device_request(std::string_view configured) {
  if (!configured.empty()) return std::string(configured);
  const char* env = std::getenv("INFERGRID_VK_DEVICE");
  return env == nullptr ? std::string() : std::string(env);
}

std::string_view device_type_name(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete GPU";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated GPU";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual GPU";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "CPU";
    default: return "other";
  }
}

}  // namespace infergrid::vk

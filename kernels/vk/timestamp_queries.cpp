#include "kernels/vk/timestamp_queries.hpp"

#include <utility>

#include "kernels/vk/vk_error.hpp"

namespace infergrid::vk {

result<timestamp_queries> timestamp_queries::create(const device& dev, std::uint32_t capacity) {
  VkPhysicalDeviceProperties properties{};
  vkGetPhysicalDeviceProperties(dev.physical(), &properties);
  std::uint32_t families = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(dev.physical(), &families, nullptr);
  std::vector<VkQueueFamilyProperties> family(families);
  vkGetPhysicalDeviceQueueFamilyProperties(dev.physical(), &families, family.data());
  const std::uint32_t index = dev.queue_family();
  if (index >= family.size() || family[index].timestampValidBits == 0 || properties.limits.timestampPeriod <= 0.0f) {
    return make_error(error_code::unsupported, "the device's compute queue has no timestamps");
  }
  timestamp_queries out;
  out.device_ = dev.handle();
  out.capacity_ = capacity;
  out.period_ns_ = properties.limits.timestampPeriod;
  VkQueryPoolCreateInfo info{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
  info.queryType = VK_QUERY_TYPE_TIMESTAMP;
  info.queryCount = capacity;
  IG_VK_TRY(vkCreateQueryPool(out.device_, &info, nullptr, &out.pool_), "vkCreateQueryPool");
  return out;
}

timestamp_queries::timestamp_queries(timestamp_queries&& other) noexcept { *this = std::move(other); }

timestamp_queries& timestamp_queries::operator=(timestamp_queries&& other) noexcept {
  if (this != &other) {
    release();
    device_ = std::exchange(other.device_, VK_NULL_HANDLE);
    pool_ = std::exchange(other.pool_, VK_NULL_HANDLE);
    capacity_ = std::exchange(other.capacity_, 0);
    period_ns_ = other.period_ns_;
  }
  return *this;
}

timestamp_queries::~timestamp_queries() { release(); }

void timestamp_queries::release() {
  if (pool_ != VK_NULL_HANDLE) vkDestroyQueryPool(device_, pool_, nullptr);
  pool_ = VK_NULL_HANDLE;
}

void timestamp_queries::reset(VkCommandBuffer commands) { vkCmdResetQueryPool(commands, pool_, 0, capacity_); }

void timestamp_queries::write(VkCommandBuffer commands, std::uint32_t index) {
  vkCmdWriteTimestamp(commands, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, pool_, index);
}

result<std::vector<double>> timestamp_queries::read_ns(std::uint32_t count) const {
  if (count > capacity_) return make_error(error_code::invalid_argument, "more timestamps asked for than recorded");
  std::vector<std::uint64_t> ticks(count);
  if (count > 0) {
    IG_VK_TRY(vkGetQueryPoolResults(device_, pool_, 0, count, ticks.size() * sizeof(std::uint64_t), ticks.data(),
                                    sizeof(std::uint64_t), VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT),
              "vkGetQueryPoolResults");
  }
  std::vector<double> ns(count);
  for (std::uint32_t i = 0; i < count; ++i) ns[i] = static_cast<double>(ticks[i]) * period_ns_;
  return ns;
}

}  // namespace infergrid::vk

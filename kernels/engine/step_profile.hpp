#pragma once
// Device time per kernel of a recorded step, from timestamps written after each dispatch
// (engine_options::profile). Each dispatch is labelled "<stage> <variant>", e.g.
// "ffn_down matmul_f16_texel_row_per_lane"; totals add up over every profiled submit.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <vulkan/vulkan.h>

#include "kernels/vk/timestamp_queries.hpp"
#include "runtime/result.hpp"

namespace infergrid::engine {

struct kernel_time {
  std::uint64_t dispatches = 0;
  double seconds = 0.0;
};

using kernel_times = std::map<std::string, kernel_time>;

class step_profile {
 public:
  static result<step_profile> create(const vk::device& dev, std::uint32_t max_dispatches);

  void begin(VkCommandBuffer commands);  // first thing recorded
  // After a dispatch (and its barrier): the time since the previous mark is this dispatch's.
  status mark(VkCommandBuffer commands, std::string label);
  // After the submit finished: adds each dispatch's time to `totals`.
  status collect(kernel_times& totals) const;

 private:
  explicit step_profile(vk::timestamp_queries queries) : queries_(std::move(queries)) {}
  vk::timestamp_queries queries_;
  std::vector<std::string> labels_;  // labels_[i] ends at timestamp i + 1
};

}  // namespace infergrid::engine

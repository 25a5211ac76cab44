#include "kernels/engine/step_profile.hpp"

namespace infergrid::engine {

result<step_profile> step_profile::create(const vk::device& dev, std::uint32_t max_dispatches) {
  auto queries = vk::timestamp_queries::create(dev, max_dispatches + 1);
  if (!queries) return queries.err();
  return step_profile(std::move(*queries));
}

void step_profile::begin(VkCommandBuffer commands) {
  labels_.clear();
  queries_.reset(commands);
  queries_.write(commands, 0);
}

status step_profile::mark(VkCommandBuffer commands, std::string label) {
  const auto index = static_cast<std::uint32_t>(labels_.size() + 1);
  if (index >= queries_.capacity()) return make_error(error_code::internal, "more dispatches than profile timestamps");
  queries_.write(commands, index);
  labels_.push_back(std::move(label));
  return {};
}

status step_profile::collect(kernel_times& totals) const {
  auto ns = queries_.read_ns(static_cast<std::uint32_t>(labels_.size() + 1));
  if (!ns) return ns.err();
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    kernel_time& total = totals[labels_[i]];
    total.dispatches += 1;
    total.seconds += ((*ns)[i + 1] - (*ns)[i]) * 1e-9;
  }
  return {};
}

}  // namespace infergrid::engine

#include "kernels/engine/memory_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "kernels/engine/weight_layout.hpp"

namespace infergrid::engine {
namespace {

// MemAvailable from /proc/meminfo in bytes; 0 where it cannot be read.
std::size_t host_available_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::size_t kilobytes = 0;
  std::string unit;
  while (meminfo >> key >> kilobytes >> unit) {
    if (key == "MemAvailable:") return kilobytes * 1024;
  }
  return 0;
}

std::size_t device_local_heap_bytes(const vk::device& dev) {
  const VkPhysicalDeviceMemoryProperties& memory = dev.memory();
  std::size_t largest = 0;
  for (std::uint32_t i = 0; i < memory.memoryHeapCount; ++i) {
    if ((memory.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) != 0) {
      largest = std::max<std::size_t>(largest, memory.memoryHeaps[i].size);
    }
  }
  return largest;
}

std::string megabytes(std::size_t bytes) { return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6); }

// The weights' bytes in the device layout (weight_layout.hpp), the rope factors as F32.
std::size_t device_weight_bytes(const model::llama_weights& w) {
  std::size_t total = w.rope_freq_factors.size() * sizeof(float);
  w.for_each_present([&](const model::weight_view& v) {
    total += v.rows * (row_data_bytes(v.type, v.cols) + row_side_bytes(v.type, v.cols));
  });
  return total;
}

}  // namespace

memory_plan plan_memory(const vk::device& dev, const model::llama_hparams& h, const model::llama_weights& w,
                        const step_capacity& capacity) {
  memory_plan plan;
  plan.weight_bytes = device_weight_bytes(w);
  plan.kv_cache_bytes = step_buffers::kv_cache_bytes_for(h, capacity);
  plan.scratch_bytes = step_buffers::activation_bytes_for(h, capacity);
  plan.available_bytes = device_local_heap_bytes(dev);
  if (dev.info().is_cpu()) plan.available_bytes = std::max(plan.available_bytes, host_available_bytes());
  plan.n_slots = capacity.n_slots;
  plan.n_ctx = capacity.n_ctx;
  plan.kv_f16 = capacity.kv_f16;
  return plan;
}

std::string memory_plan::describe() const {
  return fmt::format("memory plan: weights {} + KV cache {} ({} slots x {} positions, {}) + scratch {} = {} of {} available",
                     megabytes(weight_bytes), megabytes(kv_cache_bytes), n_slots, n_ctx, kv_f16 ? "F16" : "F32",
                     megabytes(scratch_bytes),
                     megabytes(total_bytes()), megabytes(available_bytes));
}

status memory_plan::check_fits() const {
  if (available_bytes == 0 || total_bytes() <= available_bytes) return {};
  return make_error(error_code::too_large,
                    "the model does not fit the device: " + describe() +
                        "; use a smaller quantisation, fewer slots or a smaller context_size");
}

}  // namespace infergrid::engine

#pragma once
// The memory a model needs on a device, worked out before anything is uploaded: its weights (in
// the device layout: rows padded to 16 bytes, Q6_K blocks to 224 bytes), the KV cache of every
// slot and the per-step scratch (activations, inputs, logits). A model that does not fit is refused
// with these numbers instead of failing part-way through the upload with an out-of-memory error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels/engine/step_buffers.hpp"
#include "kernels/model/llama_hparams.hpp"
#include "kernels/model/llama_weights.hpp"
#include "kernels/vk/device.hpp"
#include "runtime/result.hpp"

namespace infergrid::engine {

struct memory_plan {
  std::size_t weight_bytes = 0;
  std::size_t kv_cache_bytes = 0;
  std::size_t scratch_bytes = 0;
  // What the device can hold: its largest device-local heap; on CPU devices (lavapipe, which reports
  // a fixed 2 GiB heap but allocates from host memory) the larger of that and the host's available
  // memory.
  std::size_t available_bytes = 0;
  std::uint32_t n_slots = 0, n_ctx = 0;
  bool kv_f16 = false;

  std::size_t total_bytes() const { return weight_bytes + kv_cache_bytes + scratch_bytes; }
  // "memory plan: weights 249.4 MB + KV cache 50.3 MB (8 slots x 4096 positions) + scratch 5.1 MB
  // = 304.8 MB of 2147.5 MB available"
  std::string describe() const;
  // A too_large error with the plan's numbers when the total exceeds what is available.
  status check_fits() const;
};

memory_plan plan_memory(const vk::device& dev, const model::llama_hparams& hparams,
                        const model::llama_weights& weights, const step_capacity& capacity);

}  // namespace infergrid::engine

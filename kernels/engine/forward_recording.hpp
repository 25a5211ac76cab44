#pragma once
// Records one whole forward step into one command buffer: embedding, every layer (norm, fused
// qkv, rope + KV write, attention, output projection + residual, norm, fused gate/up, SwiGLU,
// down projection + residual; with kernels.fuses_matmul_inputs(n_tokens) the norms and SwiGLU run inside
// the matmuls' reads of x: 6 dispatches instead of 9), then the final norm of each sequence's last
// token, the logits and optionally the greedy ids (or, for embeddings, the final norm of every token). The shape of a step is only (n_tokens, n_outputs): token ids,
// positions, slots and output rows are read from buffers, so a recording is reused for every
// step of the same shape, with no CPU work but writing those inputs.
#include <cstdint>
#include <optional>

#include "kernels/engine/device_model.hpp"
#include "kernels/engine/kernel_library.hpp"
#include "kernels/engine/step_buffers.hpp"
#include "kernels/engine/step_profile.hpp"
#include "kernels/vk/command.hpp"
#include "kernels/vk/descriptors.hpp"
#include "runtime/result.hpp"

namespace infergrid::engine {

struct step_shape {
  std::uint32_t n_tokens = 0;
  std::uint32_t n_outputs = 0;  // sequences whose last token is in this step (logits rows)
  bool greedy = false;          // also compute argmax ids on the device
  bool hidden = false;          // the final norm of every token into `normed` (embeddings; no logits)
  auto operator<=>(const step_shape&) const = default;
};

// A recorded step: its command buffer, the pool its descriptor sets live in, and with profiling
// the timestamps of its dispatches.
struct recorded_step {
  vk::command_buffer commands;
  vk::descriptor_pool pool;
  std::optional<step_profile> profile;
};

result<recorded_step> record_forward(kernel_library& kernels, const device_model& model, const step_buffers& buffers,
                                     const step_shape& shape, bool profile = false);

}  // namespace infergrid::engine

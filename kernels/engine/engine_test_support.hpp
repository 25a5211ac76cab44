#pragma once
// Whole-model comparisons of the Vulkan engine with the CPU reference forward pass, shared by the
// engine tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "kernels/engine/llama_engine.hpp"
#include "kernels/reference/llama_forward.hpp"

namespace infergrid::engine::testing_support {

// sqrt(sum (a - b)^2 / sum b^2).
inline double relative_l2(std::span<const float> actual, std::span<const float> expected) {
  double diff = 0.0, norm = 0.0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (!std::isfinite(actual[i])) return INFINITY;
    diff += (actual[i] - expected[i]) * (actual[i] - expected[i]);
    norm += expected[i] * expected[i];
  }
  return std::sqrt(diff / norm);
}

inline std::int32_t argmax(std::span<const float> logits) {
  return static_cast<std::int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

// Prefill `prompt`, then decode `decode_steps` greedy tokens (the reference's) one at a time; every
// step's logits are compared with the reference's. Returns the worst relative L2 error; counts the
// steps whose greedy id computed on the device differs from the reference's argmax in
// *greedy_mismatches when given.
inline double compare_with_reference(const std::string& path, std::span<const std::int32_t> prompt, int decode_steps,
                                     const kernel_options& kernels = {}, std::size_t weight_part_bytes_limit = 0,
                                     int* greedy_mismatches = nullptr, bool kv_cache_f16 = false) {
  auto file = model::gguf_file::open(path);
  EXPECT_TRUE(file.ok()) << file.err().message;
  if (!file.ok()) return INFINITY;
  auto reference = reference::llama_forward::create(*file);
  EXPECT_TRUE(reference.ok()) << reference.err().message;
  auto engine = llama_engine::create(*file, {.n_slots = 2, .max_batch_tokens = 16, .kv_cache_f16 = kv_cache_f16,
                                             .kernels = kernels, .weight_part_bytes_limit = weight_part_bytes_limit});
  EXPECT_TRUE(engine.ok()) << engine.err().message;
  if (!reference.ok() || !engine.ok()) return INFINITY;
  std::vector<std::int32_t> tokens(prompt.begin(), prompt.end());
  tokens.reserve(tokens.size() + static_cast<std::size_t>(decode_steps) + 1);
  double worst = 0.0;
  std::uint32_t start = 0;
  std::span<const std::int32_t> pending = prompt;
  for (int step = 0; step <= decode_steps; ++step) {
    auto expected = reference->forward(pending, start);
    EXPECT_TRUE(expected.ok()) << expected.err().message;
    const sequence_step entry{1, pending, start};  // slot 1: slots are independent regions
    auto actual = engine->step(std::span(&entry, 1), {.logits = true, .greedy = true});
    EXPECT_TRUE(actual.ok()) << actual.err().message;
    if (!expected.ok() || !actual.ok()) return INFINITY;
    worst = std::max(worst, relative_l2(actual->logits_of(0), *expected));
    start += static_cast<std::uint32_t>(pending.size());
    tokens.push_back(argmax(*expected));
    if (greedy_mismatches != nullptr && actual->greedy_ids[0] != tokens.back()) ++*greedy_mismatches;
    pending = std::span(&tokens.back(), 1);
  }
  return worst;
}

}  // namespace infergrid::engine::testing_support

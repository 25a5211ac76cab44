#pragma once
// reference_answer: an honest answer computed on the CPU reference forward pass — another backend
// than the Vulkan engine, F32 arithmetic throughout — with the worker's seeded sampler, token by
// token: what a miner on another device answers. Validators' tests and validation_bench audit such
// answers on the Vulkan engine to measure cross-backend false positives.
#include "actors/gpu_worker/continuous_batch.hpp"
#include "kernels/model/tokenizer.hpp"
#include "kernels/reference/llama_forward.hpp"
#include "runtime/result.hpp"

namespace infergrid::validator {

// Fills `done` (its request and prompt tokens set, nothing generated yet): output tokens, one
// fingerprint per token, the count and the finish reason (stop at an end-of-generation token,
// length at max_tokens). `cpu` must be fresh (nothing in its cache).
status answer_on_reference(reference::llama_forward& cpu, const model::tokenizer& vocab, gpu_worker::sequence_summary& done);

}  // namespace infergrid::validator

#pragma once
// embedding_audit: the validator's check of an embedding job (inference_request::embedding). The
// receipt must name the request's model, prompt and sampler (receipt_checks.hpp), claim no generated
// token, finish `stop`, and carry a unit-length vector as wide as the model's hidden state
// (`evidence`). The validator recomputes the embedding with one prefill (llama_engine::embed) and
// convicts (`embedding`) when the cosine of the two is below embedding_cosine_min: honest
// cross-device noise keeps it near 1, while another model, a cheaper quantisation or a made-up
// vector does not (the measurements behind the default: deploy/readme/validation.md).
#include <cstdint>
#include <span>

#include "actors/validator/audit_replay.hpp"

namespace infergrid::validator {

// `prompt` is the request's prompt, tokenized by the validator.
result<audit_outcome> audit_embedding(audit_model& model, const inference_request& request,
                                      const completion_receipt& receipt, std::span<const std::int32_t> prompt,
                                      const audit_tolerances& tolerances);

}  // namespace infergrid::validator

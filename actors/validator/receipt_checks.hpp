#pragma once
// receipt_checks: what a validator checks in a receipt before replaying it (audit_replay.hpp lists
// them): the model, prompt and sampler it names, its evidence's shape, its token counts and its
// finish reason. Each returns the failed check's reason and a sentence, or nothing.
#include <optional>
#include <span>
#include <string>

#include "kernels/model/tokenizer.hpp"
#include "messages/inference.hpp"

namespace infergrid::validator {

struct check_failure {
  std::string reason;
  std::string detail;
};

// The model, prompt and sampler the receipt names are the request's (every job, embeddings too).
std::optional<check_failure> check_receipt_identity(const std::string& model_hash, const inference_request& request,
                                                    std::span<const std::int32_t> prompt,
                                                    const completion_receipt& receipt);

// A completion's receipt: its identity, then its evidence, token counts and finish reason.
std::optional<check_failure> check_receipt(const model::tokenizer& vocab, const std::string& model_hash,
                                           const inference_request& request, std::span<const std::int32_t> prompt,
                                           const completion_receipt& receipt);

}  // namespace infergrid::validator

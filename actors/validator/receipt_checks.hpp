#pragma once
// receipt_checks: what a validator checks in a receipt before replaying it (audit_replay.hpp lists
// them): the model, prompt and sampler it names, its evidence's shape, its token counts and its
// finish reason — or a claimed segment's shape. Each returns the failed check's reason and a sentence, or nothing.
#include <optional>
#include <span>
#include <string>

#include "kernels/model/tokenizer.hpp"
#include "messages/challenge.hpp"
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

// A segment paid from chunk claims (claimed_segment; its claim already verified): its evidence's
// shape (tokens in the vocabulary, one fingerprint per token), no more tokens than max_tokens, and
// no end token or stop string before its last token. A claim signs neither model, prompt nor
// sampler: the replay against the request's own answers for them.
std::optional<check_failure> check_segment(const model::tokenizer& vocab, const inference_request& request,
                                           std::span<const std::int32_t> prompt, const claimed_segment& segment);

}  // namespace infergrid::validator

#include "actors/validator/embedding_audit.hpp"

#include <chrono>
#include <cmath>

#include "actors/validator/receipt_checks.hpp"
#include "kernels/model/embedding_vector.hpp"

namespace infergrid::validator {
namespace {

// How far from 1 the length of the miner's vector may be (float rounding of a normalised vector).
constexpr double unit_length_slack = 1e-3;

audit_outcome guilty(std::string reason, std::string detail, const audit_evidence& evidence = {}) {
  return audit_outcome{true, std::move(reason), std::move(detail), evidence};
}

// What the receipt must say of a job that generated nothing.
std::optional<check_failure> check_shape(const completion_receipt& receipt, std::uint32_t n_embd) {
  if (!receipt.output_tokens.empty() || !receipt.fingerprints.empty() || receipt.first_index != 0) {
    return check_failure{"evidence", "an embedding job's receipt lists " + std::to_string(receipt.output_tokens.size()) +
                                         " output tokens"};
  }
  if (receipt.completion_token_count != 0) {
    return check_failure{"token_count", "the receipt claims " + std::to_string(receipt.completion_token_count) +
                                            " completion tokens for an embedding"};
  }
  if (receipt.finish_reason != finish_stop) {
    return check_failure{"finish_reason", "finish reason '" + receipt.finish_reason + "' for an embedding"};
  }
  if (receipt.embedding.size() != n_embd) {
    return check_failure{"evidence", "the embedding has " + std::to_string(receipt.embedding.size()) +
                                         " values; the model's hidden state has " + std::to_string(n_embd)};
  }
  return std::nullopt;
}

}  // namespace

result<audit_outcome> audit_embedding(audit_model& model, const inference_request& request,
                                      const completion_receipt& receipt, std::span<const std::int32_t> prompt,
                                      const audit_tolerances& tolerances) {
  if (auto failed = check_receipt_identity(model.model_hash, request, prompt, receipt)) {
    return guilty(failed->reason, failed->detail);
  }
  if (auto failed = check_shape(receipt, model.engine.hparams().n_embd)) return guilty(failed->reason, failed->detail);
  const double length = model::vector_length(receipt.embedding);
  if (!std::isfinite(length) || std::abs(length - 1.0) > unit_length_slack) {
    return guilty("embedding", "the embedding's length is " + std::to_string(length) + ", not 1");
  }
  if (prompt.size() > model.engine.context_size()) {
    return make_error(error_code::too_large, "the job's " + std::to_string(prompt.size()) +
                                                 " positions exceed the validator's context");
  }
  const auto started = std::chrono::steady_clock::now();
  auto own = model.engine.embed(0, prompt);
  if (!own.ok()) return own.err();
  audit_evidence evidence;
  evidence.embedding_cosine = static_cast<float>(model::cosine_similarity(receipt.embedding, *own));
  evidence.replay_ms = static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
  if (!(evidence.embedding_cosine >= tolerances.embedding_cosine_min)) {
    return guilty("embedding", "cosine " + std::to_string(evidence.embedding_cosine) +
                                   " between the miner's embedding and the validator's (at least " +
                                   std::to_string(tolerances.embedding_cosine_min) + " expected)",
                  evidence);
  }
  return audit_outcome{false, "", "", evidence};
}

}  // namespace infergrid::validator

#include "actors/validator/receipt_checks.hpp"

#include "actors/gpu_worker/receipt_signing.hpp"
#include "actors/gpu_worker/sequence_text.hpp"
#include "kernels/model/token_fingerprint.hpp"
#include "messages/body.hpp"

namespace infergrid::validator {
namespace {

std::optional<check_failure> fail(std::string reason, std::string detail) {
  return check_failure{std::move(reason), std::move(detail)};
}

// The finish reason the output itself implies: `stop` where an end token or a stop string ends it
// (nullopt when one ends it before its last token), `length` at max_tokens, "" otherwise.
std::optional<std::string> implied_finish(const model::tokenizer& vocab, const inference_request& request,
                                          std::span<const std::int32_t> prompt, std::span<const std::int32_t> output) {
  auto text = gpu_worker::sequence_text::of(vocab, request);
  for (const auto token : prompt) text.prime(token);
  for (std::size_t i = 0; i < output.size(); ++i) {
    const bool last = i + 1 == output.size();
    const bool stopped = vocab.is_end_of_generation(output[i]) || text.add(output[i]).stopped;
    if (stopped) return last ? std::optional<std::string>(finish_stop) : std::nullopt;
  }
  if (output.size() == request.max_tokens) return std::string(finish_length);
  return std::string();
}

// The evidence's shape: every output token in the vocabulary, one fingerprint per token generated
// from `first_index` (at least one).
std::optional<check_failure> check_evidence(const model::tokenizer& vocab, std::span<const std::int32_t> output,
                                            std::uint32_t first_index, std::span<const std::uint8_t> fingerprints) {
  if (first_index > output.size()) {
    return fail("evidence", "first_index " + std::to_string(first_index) + " is past the " +
                                std::to_string(output.size()) + " output tokens");
  }
  const std::size_t here = output.size() - first_index;
  if (fingerprints.size() != here * model::fingerprint_bytes_per_token || here == 0) {
    return fail("evidence", std::to_string(fingerprints.size()) + " fingerprint bytes for " +
                                std::to_string(here) + " generated tokens");
  }
  const auto vocab_size = static_cast<std::int32_t>(vocab.vocab_size());
  for (const auto token : output) {
    if (token < 0 || token >= vocab_size) return fail("evidence", "output token " + std::to_string(token) + " is outside the vocabulary");
  }
  return std::nullopt;
}

}  // namespace

std::optional<check_failure> check_receipt_identity(const std::string& model_hash, const inference_request& request,
                                                    std::span<const std::int32_t> prompt,
                                                    const completion_receipt& receipt) {
  if (receipt.model_hash != model_hash) {
    return fail("model_hash", "the receipt names model hash " + receipt.model_hash.substr(0, 16) + ", the registered " +
                                  request.model + " is " + model_hash.substr(0, 16));
  }
  if (receipt.prompt_hash != prompt_hash_of(prompt) || receipt.prompt_token_count != prompt.size()) {
    return fail("prompt_hash", "the receipt's prompt (" + std::to_string(receipt.prompt_token_count) +
                                   " tokens) is not the request's (" + std::to_string(prompt.size()) + " tokens)");
  }
  if (encode_body(receipt.sampling) != encode_body(request.sampling)) {
    return fail("sampling", "the receipt states other sampling parameters than the request's");
  }
  return std::nullopt;
}

std::optional<check_failure> check_segment(const model::tokenizer& vocab, const inference_request& request,
                                           std::span<const std::int32_t> prompt, const claimed_segment& segment) {
  if (auto failed = check_evidence(vocab, segment.output_tokens, segment.first_index, segment.fingerprints)) return failed;
  if (segment.output_tokens.size() > request.max_tokens) {
    return fail("token_count", "the segment reaches position " + std::to_string(segment.output_tokens.size()) +
                                   "; max_tokens is " + std::to_string(request.max_tokens));
  }
  if (!implied_finish(vocab, request, prompt, segment.output_tokens)) {
    return fail("finish_reason", "the segment continues past an end token or stop string");
  }
  return std::nullopt;
}

std::optional<check_failure> check_receipt(const model::tokenizer& vocab, const std::string& model_hash,
                                           const inference_request& request, std::span<const std::int32_t> prompt,
                                           const completion_receipt& receipt) {
  if (auto failed = check_receipt_identity(model_hash, request, prompt, receipt)) return failed;
  if (auto failed = check_evidence(vocab, receipt.output_tokens, receipt.first_index, receipt.fingerprints)) return failed;
  const std::size_t output = receipt.output_tokens.size();
  const std::size_t here = output - receipt.first_index;
  if (receipt.completion_token_count != here || output > request.max_tokens) {
    return fail("token_count", "the receipt claims " + std::to_string(receipt.completion_token_count) +
                                   " completion tokens; its output has " + std::to_string(here) + " (max_tokens " +
                                   std::to_string(request.max_tokens) + ")");
  }
  const auto implied = implied_finish(vocab, request, prompt, receipt.output_tokens);
  if (!implied) return fail("finish_reason", "the output continues past an end token or stop string");
  if (receipt.finish_reason == finish_context) return std::nullopt;  // the miner's context size is not stated
  if (*implied != receipt.finish_reason) {
    return fail("finish_reason", "finish reason '" + receipt.finish_reason + "' but the output implies '" +
                                     (implied->empty() ? std::string("none (cut short)") : *implied) + "'");
  }
  return std::nullopt;
}

}  // namespace infergrid::validator

#include "actors/validator/reference_answer.hpp"

#include "actors/gpu_worker/seeded_sampling.hpp"
#include "kernels/model/token_fingerprint.hpp"

namespace infergrid::validator {

status answer_on_reference(reference::llama_forward& cpu, const model::tokenizer& vocab, gpu_worker::sequence_summary& done) {
  const inference_request& request = done.request;
  std::vector<std::int32_t> history = done.prompt_tokens;
  auto logits = cpu.forward(history, 0);
  if (!logits.ok()) return logits.err();
  while (done.finish_reason.empty()) {
    const auto i = static_cast<std::uint32_t>(done.output_tokens.size());
    const auto next = gpu_worker::sample_at(request.sampling, *logits, history, i);
    model::append_fingerprint(done.fingerprints, model::fingerprint_of(*logits, next));
    done.output_tokens.push_back(next);
    history.push_back(next);
    ++done.generated_here;
    if (vocab.is_end_of_generation(next)) {
      done.finish_reason = finish_stop;
    } else if (done.generated_here == request.max_tokens) {
      done.finish_reason = finish_length;
    } else {
      logits = cpu.forward(std::span(&history.back(), 1), history.size() - 1);
      if (!logits.ok()) return logits.err();
    }
  }
  return {};
}

}  // namespace infergrid::validator

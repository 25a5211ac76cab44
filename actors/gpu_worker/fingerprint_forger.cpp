#include "actors/gpu_worker/fingerprint_forger.hpp"

#include "kernels/model/token_fingerprint.hpp"

namespace infergrid::gpu_worker {

result<fingerprint_forger> fingerprint_forger::load(const std::string& path, std::uint32_t context_size) {
  auto engine = engine::llama_engine::load(path, {.n_slots = 1, .context_size = context_size, .max_output_rows = 128});
  if (!engine.ok()) return make_error(engine.err().code, "forge_fingerprints_with " + path + ": " + engine.err().message);
  return fingerprint_forger(std::move(*engine));
}

status fingerprint_forger::forge(sequence_summary& done) {
  const std::vector<std::int32_t>& output = done.output_tokens;
  if (output.empty()) return {};
  // As a validator replays: the prompt's prefill gives output[0]'s row, one scored prefill the rest.
  const engine::sequence_step prompt{0, done.prompt_tokens, 0};
  auto first = engine_.step(std::span(&prompt, 1));
  if (!first.ok()) return first.err();
  engine::step_result rest;
  if (output.size() > 1) {
    auto scored = engine_.score(0, std::span(output).first(output.size() - 1),
                                static_cast<std::uint32_t>(done.prompt_tokens.size()));
    if (!scored.ok()) return scored.err();
    rest = std::move(*scored);
  }
  done.fingerprints.clear();
  for (std::size_t i = done.first_index; i < output.size(); ++i) {
    const auto row = i == 0 ? first->logits_of(0) : rest.logits_of(i - 1);
    model::append_fingerprint(done.fingerprints, model::fingerprint_of(row, output[i]));
  }
  return {};
}

}  // namespace infergrid::gpu_worker

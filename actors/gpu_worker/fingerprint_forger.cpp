#include "actors/gpu_worker/fingerprint_forger.hpp"

#include "kernels/engine/answer_replay.hpp"
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
  // As a validator replays the answer.
  auto rows = engine::replay_answer(engine_, 0, done.prompt_tokens, output);
  if (!rows.ok()) return rows.err();
  done.fingerprints.clear();
  for (std::size_t i = done.first_index; i < output.size(); ++i) {
    model::append_fingerprint(done.fingerprints, model::fingerprint_of(rows->row(i), output[i]));
  }
  return {};
}

}  // namespace infergrid::gpu_worker

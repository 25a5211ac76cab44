// schema_mask_bench: one json_schema mask (schema_token_mask::apply) inside a string with a
// pattern, permissive patterns against tight ones. Claim: a permissive anchored pattern (`^.*$`,
// `^[^"]{0,200}$`, `[^"]*` with minLength/maxLength) costs about what a string without a pattern
// does, not a walk of every token through the automaton. Baseline: the same string without a
// pattern, in the same run; each line prints its ratio to it. A 151k-token vocabulary (Qwen) is
// the case to measure:
//   ./build/bench/schema_mask_bench build/tokenizer_conformance/qwen3-tiny.gguf [runs=20]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <vector>

#include "kernels/model/gguf_file.hpp"
#include "kernels/model/json_schema_compiler.hpp"
#include "kernels/model/schema_token_mask.hpp"
#include "kernels/model/tokenizer.hpp"

using namespace infergrid;
using clock_type = std::chrono::steady_clock;

namespace {

struct state_case {
  const char* name;
  const char* schema;
  const char* text;  // written so far
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: schema_mask_bench MODEL.gguf [runs=20]\n");
    return 2;
  }
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 20;
  auto file = model::gguf_file::open(argv[1]);
  if (!file.ok()) return fmt::print(stderr, "{}\n", file.err().message), 1;
  auto vocab = model::tokenizer::from_gguf(*file);
  if (!vocab.ok()) return fmt::print(stderr, "{}\n", vocab.err().message), 1;
  const auto built_at = clock_type::now();
  const model::schema_token_mask mask(*vocab);
  const double build_ms = std::chrono::duration<double, std::milli>(clock_type::now() - built_at).count();
  const state_case cases[] = {
      {"no pattern (baseline)", R"({"type":"string"})", "\"Once upon"},
      {"^.*$", R"({"type":"string","pattern":"^.*$"})", "\"Once upon"},
      {"^[^\"]{0,200}$", R"({"type":"string","pattern":"^[^\"]{0,200}$"})", "\"Once upon"},
      {"^[^\"]*$ minLength 20 maxLength 500", R"({"type":"string","pattern":"^[^\"]*$","minLength":20,"maxLength":500})", "\"Once upon"},
      {"^[a-zA-Z ]*$ (semi-permissive)", R"({"type":"string","pattern":"^[a-zA-Z ]*$"})", "\"Once upon"},
      {"^[A-Z]{3}-[0-9]{2}$ (tight)", R"({"type":"string","pattern":"^[A-Z]{3}-[0-9]{2}$"})", "\"AB"},
      {"format date-time", R"({"type":"string","format":"date-time"})", "\"2026-12-07T1"},
  };
  fmt::print("model {} ({} tokens in the vocabulary); mask build {:.1f} ms; mean of {} applications\n", argv[1],
             vocab->vocab_size(), build_ms, runs);
  std::vector<float> logits(vocab->vocab_size());
  model::schema_token_mask::scratch scratch;
  double baseline_ms = 0;
  for (const state_case& c : cases) {
    auto compiled = model::compile_json_schema(c.schema);
    if (!compiled.ok()) return fmt::print(stderr, "{}: {}\n", c.name, compiled.err().message), 1;
    model::json_schema_prefix state(*compiled);
    if (!state.feed(c.text)) return fmt::print(stderr, "{}: the text does not fit\n", c.name), 1;
    const auto started = clock_type::now();
    for (int i = 0; i < runs; ++i) {
      std::fill(logits.begin(), logits.end(), 0.0f);
      mask.apply(state, logits, scratch);
    }
    const double ms = std::chrono::duration<double, std::milli>(clock_type::now() - started).count() / runs;
    if (baseline_ms == 0) baseline_ms = ms;
    const auto allowed = std::count_if(logits.begin(), logits.end(), [](float l) { return l == 0.0f; });
    fmt::print("  {:40} {:8.3f} ms  {:5.1f}x the baseline  ({} tokens allowed)\n", c.name, ms, ms / baseline_ms, allowed);
  }
  return 0;
}

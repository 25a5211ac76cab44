// schema_mask_bench: one json_schema mask (schema_token_mask::apply) inside a string with a
// pattern, permissive patterns against tight ones. Claim: a permissive anchored pattern (`^.*$`,
// `^[^"]{0,200}$`, `[^"]*` with minLength/maxLength) costs about what a string without a pattern
// does, not a walk of every token through the automaton. Baseline: the same string without a
// pattern, in the same run; each line prints its ratio to it. Second claim: a broad-but-not-all
// class (`^[a-zA-Z ]*$`, `^[a-z0-9_-]+$`), which most characters leave but most tokens fit, costs
// about the same, not a walk of the trie. Third claim: a pattern no run decides and whose buckets
// leave many tokens undecided (`^[A-Z][a-z]+( [A-Z][a-z]+)*$` after a word) walks the plain tokens
// with a small state (plain_pattern_walker.hpp) at a fraction of the recogniser's walk. Fourth
// claim: a pattern with a small automaton most tokens fit (`^\w+( \w+)*$` after a word) decides its
// plain tokens from a table of their end states per automaton state (plain_end_states.hpp), about a
// free string's cost once the state's table is built (the "first at state" column: one application
// with a new scratch, the tables built by a walk). Each line also prints the same mask with the
// tables off (the mask before them) and with every shortcut off but the run (the recogniser walks the
// trie: schema_token_mask::options), and exits 1 if the masks differ. A 151k-token vocabulary (Qwen)
// is the case to measure:
//   ./build/bench/schema_mask_bench build/tokenizer_conformance/qwen3-tiny.gguf [runs=20]
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
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
  std::string model_path;
  int runs = 20;
  CLI::App app{"schema_mask_bench: the JSON-schema token mask's build time and CPU time per application."};
  app.add_option("model", model_path, "the GGUF model whose vocabulary is masked")->required();
  app.add_option("runs", runs, "applications timed")->capture_default_str()->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  auto file = model::gguf_file::open(model_path);
  if (!file.ok()) return fmt::print(stderr, "{}\n", file.err().message), 1;
  auto vocab = model::tokenizer::from_gguf(*file);
  if (!vocab.ok()) return fmt::print(stderr, "{}\n", vocab.err().message), 1;
  const auto built_at = clock_type::now();
  const model::schema_token_mask mask(*vocab);
  const double build_ms = std::chrono::duration<double, std::milli>(clock_type::now() - built_at).count();
  const model::schema_token_mask untabled_mask(*vocab, {.plain_buckets = true, .plain_buckets_always = false, .plain_walk = true, .plain_tables = false});
  const model::schema_token_mask walk_mask(*vocab, {.plain_buckets = false, .plain_buckets_always = false, .plain_walk = false, .plain_tables = false});
  const state_case cases[] = {
      {"no pattern (baseline)", R"({"type":"string"})", "\"Once upon"},
      {"^.*$", R"({"type":"string","pattern":"^.*$"})", "\"Once upon"},
      {"^[^\"]{0,200}$", R"({"type":"string","pattern":"^[^\"]{0,200}$"})", "\"Once upon"},
      {"^[^\"]*$ minLength 20 maxLength 500", R"({"type":"string","pattern":"^[^\"]*$","minLength":20,"maxLength":500})", "\"Once upon"},
      {"^[a-zA-Z ]*$ (semi-permissive)", R"({"type":"string","pattern":"^[a-zA-Z ]*$"})", "\"Once upon"},
      {"^[a-zA-Z ]{0,200}$", R"({"type":"string","pattern":"^[a-zA-Z ]{0,200}$"})", "\"Once upon"},
      {"^[a-zA-Z ]*$ maxLength 100", R"({"type":"string","pattern":"^[a-zA-Z ]*$","maxLength":100})", "\"Once upon"},
      {"^[a-z0-9_-]+$", R"({"type":"string","pattern":"^[a-z0-9_-]+$"})", "\"user_na"},
      {"^[A-Z][a-z]+( [A-Z][a-z]+)*$", R"({"type":"string","pattern":"^[A-Z][a-z]+( [A-Z][a-z]+)*$"})", "\"Once Up"},
      {"^[a-z]+( [a-z]+)*$", R"({"type":"string","pattern":"^[a-z]+( [a-z]+)*$"})", "\"once upon"},
      {"^\\w+( \\w+)*$", R"({"type":"string","pattern":"^\\w+( \\w+)*$"})", "\"Once upon"},
      {"^\\w+( \\w+)*$ minLength 6 maxLength 30", R"({"type":"string","pattern":"^\\w+( \\w+)*$","minLength":6,"maxLength":30})", "\"Once upon"},
      {"^[a-z]+$", R"({"type":"string","pattern":"^[a-z]+$"})", "\"abc"},
      {"^[A-Z]{3}-[0-9]{2}$ (tight)", R"({"type":"string","pattern":"^[A-Z]{3}-[0-9]{2}$"})", "\"AB"},
      {"format date-time", R"({"type":"string","format":"date-time"})", "\"2026-12-07T1"},
  };
  fmt::print("model {} ({} tokens in the vocabulary); mask build {:.1f} ms; mean CPU time of {} applications\n", model_path,
             vocab->vocab_size(), build_ms, runs);
  std::vector<float> logits(vocab->vocab_size()), untabled_logits(vocab->vocab_size()), walk_logits(vocab->vocab_size());
  model::schema_token_mask::scratch scratch;
  double baseline_ms = 0;
  // This thread's CPU time: on a loaded shared machine the time other processes take does not count.
  const auto cpu_ms = [] {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
  };
  const auto time_ms = [&](const model::schema_token_mask& m, const model::json_schema_prefix& state, std::vector<float>& out) {
    m.apply(state, out, scratch);  // untimed: the scratch buffers grow on the first application
    const double started = cpu_ms();
    for (int i = 0; i < runs; ++i) {
      std::fill(out.begin(), out.end(), 0.0f);
      m.apply(state, out, scratch);
    }
    return (cpu_ms() - started) / runs;
  };
  // One application with a new scratch: the end-state tables of the state are built (a walk each).
  const auto first_ms = [&](const model::schema_token_mask& m, const model::json_schema_prefix& state, std::vector<float>& out) {
    model::schema_token_mask::scratch fresh;
    std::fill(out.begin(), out.end(), 0.0f);
    const double started = cpu_ms();
    m.apply(state, out, fresh);
    return cpu_ms() - started;
  };
  fmt::print("  {:40} {:>11}  {:>19}  {:>14}  {:>21}  {}\n", "string", "mask", "", "first at state", "end-state tables off",
             "the recogniser's walk");
  for (const state_case& c : cases) {
    auto compiled = model::compile_json_schema(c.schema);
    if (!compiled.ok()) return fmt::print(stderr, "{}: {}\n", c.name, compiled.err().message), 1;
    model::json_schema_prefix state(*compiled);
    if (!state.feed(c.text)) return fmt::print(stderr, "{}: the text does not fit\n", c.name), 1;
    const double first = first_ms(mask, state, untabled_logits);
    const double ms = time_ms(mask, state, logits);
    const double untabled_ms = time_ms(untabled_mask, state, untabled_logits);
    const double walk_ms = time_ms(walk_mask, state, walk_logits);
    if (baseline_ms == 0) baseline_ms = ms;
    const auto allowed = std::count_if(logits.begin(), logits.end(), [](float l) { return l == 0.0f; });
    fmt::print("  {:40} {:8.3f} ms  {:5.1f}x the baseline  {:8.3f} ms     {:8.3f} ms {:5.1f}x     {:8.3f} ms {:5.1f}x  ({} tokens allowed)\n",
               c.name, ms, ms / baseline_ms, first, untabled_ms, untabled_ms / baseline_ms, walk_ms, walk_ms / baseline_ms, allowed);
    if (logits != walk_logits || untabled_logits != walk_logits) {
      return fmt::print(stderr, "{}: the masks differ with the shortcuts on and off\n", c.name), 1;
    }
  }
  return 0;
}

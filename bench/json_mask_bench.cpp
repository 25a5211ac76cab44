// json_mask_bench: the cost of constrained decoding (output_format json_object and json_schema).
// Greedy decode of one answer on the Vulkan engine, the same model and prompt run in one process:
// unconstrained, then with json_object, then with json_schema (a tool-call-shaped schema: enum,
// integer and number ranges, bounded and free strings, an array, optional properties, anyOf),
// each draw masked through output_constraint exactly as the gpu_worker does. Prints tokens/s of
// each, the ratios against unconstrained (issue 15's target: >= 0.8x), the masks' own time per
// token, their one-off build time, and the compile time of a 50-property schema (target <= 50 ms).
// The masks cost most on a large vocabulary, so a 151k-token vocabulary (Qwen) is the case to measure:
//   ./build/bench/json_mask_bench build/tokenizer_conformance/qwen3-tiny.gguf [tokens=48] [rounds=3]
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <optional>

#include "actors/gpu_worker/output_constraint.hpp"
#include "actors/gpu_worker/seeded_sampling.hpp"
#include "kernels/engine/llama_engine.hpp"
#include "kernels/model/json_schema_compiler.hpp"

using namespace infergrid;
using clock_type = std::chrono::steady_clock;

namespace {

double ms_since(clock_type::time_point start) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

const char* const bench_schema = R"({
  "type": "object",
  "properties": {
    "name": {"const": "describe_animal"},
    "arguments": {
      "type": "object",
      "properties": {
        "species": {"enum": ["cat", "dog", "bird", "fish"]},
        "age_years": {"type": "integer", "minimum": 0, "maximum": 30},
        "weight_kg": {"type": "number", "exclusiveMinimum": 0, "maximum": 120.5},
        "nickname": {"type": "string", "maxLength": 16},
        "description": {"type": "string", "maxLength": 60},
        "colours": {"type": "array", "items": {"type": "string", "maxLength": 10}, "maxItems": 4},
        "indoor": {"type": "boolean"},
        "owner": {"anyOf": [{"type": "null"}, {"type": "object", "properties": {"first": {"type": "string"}}, "required": ["first"]}]}
      },
      "required": ["species", "age_years", "nickname", "description"],
      "additionalProperties": false
    }
  },
  "required": ["name", "arguments"],
  "additionalProperties": false
})";

// 50 properties of every kind, ranges and enums included, as a client's large schema would be.
std::string fifty_property_schema() {
  std::string s = R"({"type":"object","properties":{)";
  const char* kinds[] = {R"({"type":"string","maxLength":40})", R"({"type":"integer","minimum":-5,"maximum":5000})",
                         R"({"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1})", R"({"enum":["alpha","beta","gamma","delta"]})",
                         R"({"type":["boolean","null"]})", R"({"type":"array","items":{"type":"string"},"minItems":1,"maxItems":5})",
                         R"({"anyOf":[{"type":"string"},{"type":"object","properties":{"x":{"type":"number"}},"required":["x"]}]})"};
  std::string required;
  for (int i = 0; i < 50; ++i) {
    const std::string name = "\"property_" + std::to_string(i) + "\"";
    s += (i ? "," : "") + name + ":" + kinds[i % 7];
    required += (i ? "," : "") + name;
  }
  return s + "},\"required\":[" + required + "],\"additionalProperties\":false}";
}

// The mask's time from a few kinds of state (mean of several applications), the slow paths included.
void print_state_costs(const gpu_worker::output_masks& masks, std::size_t vocab_size) {
  struct state_case {
    const char* name;
    const char* schema;
    const char* text;
  };
  const state_case cases[] = {
      {"after {, a key next", bench_schema, "{"},
      {"free string", R"({"type":"string"})", "\"Once upon"},
      {"bounded string (maxLength 60)", R"({"type":"string","maxLength":60})", "\"Once upon"},
      {"inside a UTF-8 character", R"({"type":"string"})", "\"caf\xc3"},
      {"two string alternatives (anyOf)", R"({"anyOf":[{"type":"string","maxLength":9},{"type":"string","minLength":3}]})", "\"ab"},
      {"integer in range", R"({"type":"integer","minimum":-40,"maximum":4000})", "12"},
      {"enum value", R"({"enum":["celsius","fahrenheit","kelvin"]})", "\"c"},
  };
  std::vector<float> logits(vocab_size);
  model::schema_token_mask::scratch scratch;
  for (const state_case& c : cases) {
    auto compiled = model::compile_json_schema(c.schema);
    if (!compiled.ok()) continue;
    model::json_schema_prefix state(*compiled);
    if (!state.feed(c.text)) continue;
    constexpr int runs = 5;
    const auto started = clock_type::now();
    for (int i = 0; i < runs; ++i) {
      std::fill(logits.begin(), logits.end(), 0.0f);
      masks.schema.apply(state, logits, scratch);
    }
    const auto allowed = std::count_if(logits.begin(), logits.end(), [](float l) { return l == 0.0f; });
    fmt::print("  mask from {:34} {:7.3f} ms ({} tokens allowed)\n", c.name, ms_since(started) / runs, allowed);
  }
}

struct run_result {
  double decode_ms = 0;  // engine steps
  double mask_ms = 0;    // output_constraint::apply
  double mask_ms_max = 0;  // its slowest step
  std::uint32_t tokens = 0;
  std::string text;
};

result<run_result> decode(engine::llama_engine& engine, const model::tokenizer& vocab, const gpu_worker::output_masks& masks,
                          const sampling_params& greedy, std::uint32_t max_tokens) {
  auto constraint = gpu_worker::output_constraint::make(greedy);
  if (!constraint.ok()) return constraint.err();
  std::vector<model::token_id> history = vocab.encode("Describe a cat as JSON:");
  const std::size_t prompt = history.size();
  const engine::sequence_step prefill{0, history, 0};
  auto out = engine.step(std::span(&prefill, 1), {.logits = true, .greedy = false});
  if (!out.ok()) return out.err();
  run_result r;
  std::vector<float> scratch;
  while (r.tokens < max_tokens) {
    const auto masked_at = clock_type::now();
    const auto logits = constraint->apply(masks, std::span(history).subspan(prompt), out->logits_of(0), scratch);
    const double mask_ms = greedy.output_format.empty() ? 0.0 : ms_since(masked_at);
    r.mask_ms += mask_ms;
    r.mask_ms_max = std::max(r.mask_ms_max, mask_ms);
    const model::token_id next = gpu_worker::sample_at(greedy, logits, history, r.tokens);
    ++r.tokens;
    if (vocab.is_end_of_generation(next)) break;
    r.text += vocab.token_to_piece(next);
    history.push_back(next);
    const auto stepped_at = clock_type::now();
    const engine::sequence_step step{0, std::span(&history.back(), 1), static_cast<std::uint32_t>(history.size() - 1)};
    out = engine.step(std::span(&step, 1), {.logits = true, .greedy = false});
    if (!out.ok()) return out.err();
    r.decode_ms += ms_since(stepped_at);
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string model_path;
  std::uint32_t tokens = 48;
  int rounds = 3;
  CLI::App app{"json_mask_bench: decode with response_format json_object's token mask against decode without it."};
  app.option_defaults()->always_capture_default();
  app.add_option("model", model_path, "the GGUF model (e.g. build/tokenizer_conformance/qwen3-tiny.gguf)")->required();
  app.add_option("tokens", tokens, "tokens decoded per run")->check(CLI::PositiveNumber);
  app.add_option("rounds", rounds, "interleaved rounds (the best is printed)")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  auto file = model::gguf_file::open(model_path);
  if (!file.ok()) return fmt::print(stderr, "{}\n", file.err().message), 1;
  auto vocab = model::tokenizer::from_gguf(*file);
  if (!vocab.ok()) return fmt::print(stderr, "{}\n", vocab.err().message), 1;
  engine::engine_options options;
  options.n_slots = 1;
  options.context_size = 512;  // enough for the prompt and the answer
  auto engine = engine::llama_engine::create(*file, options);
  if (!engine.ok()) return fmt::print(stderr, "{}\n", engine.err().message), 1;
  const auto built_at = clock_type::now();
  const gpu_worker::output_masks masks(*vocab);
  const double build_ms = ms_since(built_at);

  const std::string fifty = fifty_property_schema();
  constexpr int compile_runs = 20;
  const auto compiled_at = clock_type::now();
  for (int i = 0; i < compile_runs; ++i) {
    if (auto compiled = model::compile_json_schema(fifty); !compiled.ok()) return fmt::print(stderr, "{}\n", compiled.err().message), 1;
  }
  const double compile_ms = ms_since(compiled_at) / compile_runs;

  sampling_params free_text, json_object, json_schema;
  json_object.output_format = "json_object";
  json_schema.output_format = "json_schema";
  json_schema.output_schema = bench_schema;
  json_schema.output_prefix = "<tool_call>\n";
  json_schema.output_suffix = "\n</tool_call>";
  // Interleaved rounds, the fastest of each kept: a machine shared with other work slows single runs.
  const auto tps = [](const run_result& r) { return 1000.0 * r.tokens / (r.decode_ms + r.mask_ms + 1e-9); };
  std::optional<run_result> free, object, schema;
  for (int round = 0; round < rounds; ++round) {
    for (auto& [best, params] : {std::pair{&free, &free_text}, std::pair{&object, &json_object}, std::pair{&schema, &json_schema}}) {
      auto r = decode(*engine, *vocab, masks, *params, tokens);
      if (!r.ok()) return fmt::print(stderr, "{}\n", r.err().message), 1;
      if (!*best || tps(*r) > tps(**best)) *best = std::move(*r);
    }
  }
  fmt::print("model {} ({} tokens in the vocabulary) on {}, best of {} interleaved rounds\n", model_path, vocab->vocab_size(),
             engine->device_description(), rounds);
  fmt::print("masks build: {:.1f} ms (json_object + json_schema, once per model)\n", build_ms);
  fmt::print("json_schema compile, 50 properties: {:.2f} ms (mean of {}; target <= 50 ms)\n", compile_ms, compile_runs);
  fmt::print("unconstrained: {} tokens, {:.1f} tokens/s\n", free->tokens, tps(*free));
  for (const auto& [name, r] : {std::pair{"json_object", &object}, std::pair{"json_schema", &schema}}) {
    fmt::print("{}:   {} tokens, {:.1f} tokens/s (mask {:.3f} ms/token, slowest {:.2f} ms), ratio {:.2f}x (target >= 0.8x)\n",
               name, (*r)->tokens, tps(**r), (*r)->mask_ms / std::max<std::uint32_t>((*r)->tokens, 1), (*r)->mask_ms_max,
               tps(**r) / tps(*free));
  }
  fmt::print("json_schema output: {}\n", schema->text);
  fmt::print("json_schema mask per kind of state:\n");
  print_state_costs(masks, vocab->vocab_size());
  return 0;
}

#pragma once
// Test support: constrained generation through the real schema_token_mask on a real tokenizer.
// For random schemas (schema_test_support.hpp), tokens are drawn from random logits under the mask
// until an end-of-generation token; every problem is reported as a line: a step with no token
// left, a drawn token the recogniser refuses, an end before the document is complete, an output
// that does not parse or that the independent checker rejects, and (every `cross_check_every`
// steps) a mask that differs from feeding each token's bytes on its own.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "kernels/model/json_schema_compiler.hpp"
#include "kernels/model/schema_test_support.hpp"
#include "kernels/model/schema_token_mask.hpp"

namespace infergrid::model::testing_support {

struct generation_report {
  int schemas = 0;
  int ended = 0;      // generations that reached an end token within the step limit
  int tokens = 0;
  std::vector<std::string> problems;
  std::vector<std::string> samples;  // the first few finished documents, for the log
};

// The report's problems as test failures, its counts and samples on stdout.
inline void print_and_fail(const generation_report& report) {
  for (const std::string& problem : report.problems) ADD_FAILURE() << problem;
  std::printf("%d schemas, %d generations ended, %d tokens drawn; for example:\n", report.schemas, report.ended, report.tokens);
  for (const std::string& sample : report.samples) std::printf("  %s\n", sample.c_str());
}

inline std::string cross_check(const tokenizer& vocab, const schema_token_mask& mask, const json_schema_prefix& state,
                               schema_token_mask::scratch& scratch) {
  std::vector<float> logits(vocab.vocab_size(), 0.0f);
  mask.apply(state, logits, scratch);
  bool any = false;
  for (std::size_t id = 0; id < logits.size(); ++id) {
    const auto token = static_cast<token_id>(id);
    if (vocab.is_end_of_generation(token)) continue;
    json_schema_prefix next = state;
    const bool expected = mask.advance(next, token);
    any = any || expected;
    if (std::isfinite(logits[id]) != expected) return "token " + std::to_string(id) + " masked wrongly";
  }
  for (const token_id end : vocab.end_of_generation_ids()) {
    if (std::isfinite(logits[static_cast<std::size_t>(end)]) != (state.complete() || !any)) return "end token masked wrongly";
  }
  return {};
}

inline generation_report generate_under_random_schemas(const tokenizer& vocab, const schema_token_mask& mask, std::uint32_t seed,
                                                       int schemas, int steps_max, int cross_check_every) {
  generation_report report;
  schema_generator generator(seed);
  std::mt19937 rng(seed + 1);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  // Closing bytes get a boost near the largest of the random logits, so values end within the run.
  const float boost = 0.8f * 3.0f * std::sqrt(2.0f * std::log(static_cast<float>(vocab.vocab_size())));
  std::vector<token_id> closers;
  for (const char c : std::string("\"}],")) {
    char byte_token[8];
    std::snprintf(byte_token, sizeof byte_token, "<0x%02X>", static_cast<unsigned char>(c));
    for (const token_id t : {vocab.find_token(byte_token), vocab.find_token(std::string(1, c))}) {
      if (t >= 0) closers.push_back(t);
    }
  }
  schema_token_mask::scratch scratch;
  for (int s = 0; s < schemas; ++s) {
    const ordered_json document = generator.document();
    auto schema = compile_json_schema(document.dump());
    ++report.schemas;
    if (!schema.ok()) {
      report.problems.push_back(document.dump() + ": " + schema.err().message);
      continue;
    }
    json_schema_prefix state(*schema);
    std::vector<token_id> tokens;
    std::string text;  // the bytes the recogniser saw
    for (int step = 0; step < steps_max; ++step) {
      if (cross_check_every > 0 && step % cross_check_every == 0) {
        if (auto wrong = cross_check(vocab, mask, state, scratch); !wrong.empty()) {
          report.problems.push_back(document.dump() + " after " + text + ": " + wrong);
          break;
        }
      }
      std::vector<float> logits(vocab.vocab_size());
      for (float& l : logits) l = normal(rng);
      for (const token_id end : vocab.end_of_generation_ids()) logits[static_cast<std::size_t>(end)] += 40.0f;
      for (const token_id t : closers) logits[static_cast<std::size_t>(t)] += boost;
      mask.apply(state, logits, scratch);
      const auto best = static_cast<token_id>(std::max_element(logits.begin(), logits.end()) - logits.begin());
      if (!std::isfinite(logits[static_cast<std::size_t>(best)])) {
        report.problems.push_back(document.dump() + " after " + text + ": no token left");
        break;
      }
      if (vocab.is_end_of_generation(best)) {
        ++report.ended;
        if (!state.complete()) report.problems.push_back(document.dump() + ": ended incomplete: " + text);
        else if (!nlohmann::json::accept(text)) report.problems.push_back(document.dump() + ": does not parse: " + text);
        else if (!schema_accepts(nlohmann::json::parse(text), document, document)) {
          report.problems.push_back(document.dump() + ": invalid: " + text);
        } else if (report.samples.size() < 4) {
          report.samples.push_back(document.dump() + "\n    -> " + text);
        }
        break;
      }
      if (!mask.advance(state, best)) {
        report.problems.push_back(document.dump() + " after " + text + ": drew a refused token " + std::to_string(best));
        break;
      }
      tokens.push_back(best);
      text += vocab.token_to_piece(best);
      ++report.tokens;
    }
  }
  return report;
}

}  // namespace infergrid::model::testing_support

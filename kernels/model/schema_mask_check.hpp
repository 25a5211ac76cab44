#pragma once
// Test support: constrained generation through the real schema_token_mask on a real tokenizer.
// For random schemas (schema_test_support.hpp), tokens are drawn from random logits under the mask
// until an end-of-generation token; every problem is reported as a line: a step with no token
// left, a drawn token the recogniser refuses, an end before the document is complete, an output
// that does not parse or that the independent checker rejects, and (every `cross_check_every`
// steps) a mask that differs from feeding each token's bytes on its own. compare_under_patterns: a
// shortcut's mask against the trie walk's, step by step, on pattern strings.
#include <gtest/gtest.h>

#include <algorithm>
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


// Pattern strings drawn under `fast` (the shortcut under test on, e.g. at every plain state) with
// random logits, and at every step its mask compared with `slow`'s (the shortcuts off: the trie
// walk with the recogniser) and with feeding each token on its own. Counts the steps `fast` decided
// with the method under test.
struct method_comparison {
  std::vector<std::string> problems;
  int steps = 0;
  int by_method = 0;  // steps fast decided with the method under test
  int ended = 0;
};

// The trie walk with the recogniser, every shortcut that could take its place off.
inline constexpr schema_mask_options walk_only = {.plain_buckets = false, .plain_buckets_always = false, .plain_walk = false, .plain_tables = false};

// Patterns whose run does not decide the plain tokens and the buckets leave many undecided (words
// separated by spaces, a first character unlike the rest), tight ones, escapes and non-ASCII
// characters in the classes, length bounds, several threads of an anyOf with and without a pattern,
// a pattern string inside an object, and \w words (most tokens fit: the end-state tables' case,
// plain_end_states.hpp): the plain walk's cases (plain_pattern_walker.hpp).
inline std::vector<std::string> word_pattern_schemas() {
  return {
      R"({"type":"string","pattern":"^[A-Z][a-z]+( [A-Z][a-z]+)*$"})",
      R"({"type":"string","pattern":"^[a-z]+( [a-z]+)*$","maxLength":24})",
      R"({"type":"string","pattern":"^\\w+( \\w+)*$","minLength":6,"maxLength":30})",
      R"({"type":"string","pattern":"^\\w+( \\w+)*$"})",
      R"({"type":"string","pattern":"^\\w+$","maxLength":12})",
      R"({"type":"string","pattern":"^[\\w.-]+@\\w+\\.\\w{2,4}$"})",
      R"({"type":"string","pattern":"\\w+ \\w+"})",
      R"({"type":"string","pattern":"^\\W*\\w+( \\w+)*$","minLength":3})",
      R"({"type":"string","pattern":"^[A-Z]{3}-[0-9]{2}$"})",
      R"({"type":"string","pattern":"^[a-z\\n\\t\"\\\\ ]*$","maxLength":40})",
      R"({"type":"string","pattern":"^[a-z\u00e0-\u017f]+( [A-Z\u00c0-\u00de][a-z\u00e0-\u017f]*)*$"})",
      R"({"type":"string","pattern":"^([0-9]{1,3}\\.){3}[0-9]{1,3}$","minLength":9,"maxLength":13})",
      R"({"anyOf":[{"type":"string","pattern":"^[A-Z][a-z]+$"},{"type":"string","pattern":"^[a-z ]+ [a-z]$","maxLength":12},{"type":"string","maxLength":3}]})",
      R"({"anyOf":[{"type":"string","pattern":"^a[a-z]*$"},{"type":"string","pattern":"^b[a-z ]*$"},{"type":"string","pattern":"^c[0-9]*$"},{"type":"string","pattern":"^d[A-Z]*$"},{"type":"string","pattern":"^e.*$"}]})",
      R"({"type":"object","properties":{"name":{"type":"string","pattern":"^[A-Z][a-z]+( [A-Z][a-z]+)*$","maxLength":20}},"required":["name"],"additionalProperties":false})",
  };
}

// Patterns most characters leave but many tokens fit (the bucket decision's cases), with length
// bounds, exits from a loop, character classes cutting through the wide buckets, and unanchored.
inline std::vector<std::string> broad_class_pattern_schemas() {
  return {
      R"({"type":"string","pattern":"^[a-zA-Z ]*$"})",
      R"({"type":"string","pattern":"^[a-zA-Z ]{0,12}$"})",
      R"({"type":"string","pattern":"^[a-zA-Z ]*$","minLength":5,"maxLength":20})",
      R"({"type":"string","pattern":"^[a-z0-9_-]+$"})",
      R"({"type":"string","pattern":"^[a-z][a-z0-9]*$"})",
      R"({"type":"string","pattern":"^[a-zA-Z ][a-zA-Z0-9 ]*$"})",
      R"({"type":"string","pattern":"^[A-Z][a-zA-Z0-9 ]{0,14}$"})",
      R"({"type":"string","pattern":"^[A-Z][a-z]+( [A-Z][a-z]+)*$"})",
      R"({"type":"string","pattern":"^[^0-9]*$","maxLength":30})",
      R"({"type":"string","pattern":"^[^a-z]*$"})",
      R"({"type":"string","pattern":"^[a-z \u00e0-\u017f\u4e00-\u4e80]*$"})",
      R"({"type":"string","pattern":"^[a-z]*x[a-z]*$"})",
      R"({"type":"string","pattern":"^(ab|[a-z ])*$","maxLength":40})",
      R"({"type":"string","pattern":"^[a-zA-Z ]*[0-9]{2}$"})",
      R"({"type":"string","pattern":"^\\w+( \\w+)*$"})",
      R"({"type":"string","pattern":"^[a-zA-Z ]{3,8}( [0-9]+)?$"})",
      R"({"type":"string","pattern":"[a-z]+ [a-z]+"})",
      R"({"anyOf":[{"type":"string","pattern":"^[a-z ]*$"},{"type":"string","pattern":"^[A-Z ]*$","maxLength":9}]})",
      R"({"anyOf":[{"type":"string","pattern":"^[a-z ]*$"},{"type":"string","maxLength":4}]})",
  };
}

// The comparison's problems as test failures, its counts on stdout; the method under test must have
// decided at least a quarter of the steps (else the test would not test it).
inline void print_and_fail(const method_comparison& report, const char* method) {
  for (const std::string& problem : report.problems) ADD_FAILURE() << problem;
  std::printf("%d steps, %d decided by %s, %d draws ended\n", report.steps, report.by_method, method, report.ended);
  EXPECT_GT(report.by_method, report.steps / 4);
}

inline method_comparison compare_under_patterns(const tokenizer& vocab, const schema_token_mask& fast, const schema_token_mask& slow,
                                                const std::vector<std::string>& schemas, std::uint32_t seed, int draws,
                                                int steps_max, schema_token_mask::method counted) {
  method_comparison report;
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 2.0f);
  schema_token_mask::scratch fast_scratch, slow_scratch;
  std::vector<float> fast_logits, slow_logits, drawn(vocab.vocab_size());
  for (const std::string& text : schemas) {
    auto schema = compile_json_schema(text);
    if (!schema.ok()) {
      report.problems.push_back(text + ": " + schema.err().message);
      continue;
    }
    for (int draw = 0; draw < draws; ++draw) {
      json_schema_prefix state(*schema);
      std::string written;
      // Every other draw starts inside the string, at the pattern's first state (random tokens
      // often carry the quote and the first characters together).
      if (draw % 2 == 1 && state.feed('"')) written = "\"";
      if (!state.alive()) state = json_schema_prefix(*schema);
      for (int step = 0; step < steps_max; ++step) {
        ++report.steps;
        if (fast.method_for(state, fast_scratch) == counted) ++report.by_method;
        fast_logits.assign(vocab.vocab_size(), 0.0f);
        slow_logits.assign(vocab.vocab_size(), 0.0f);
        fast.apply(state, fast_logits, fast_scratch);
        slow.apply(state, slow_logits, slow_scratch);
        for (std::size_t id = 0; id < fast_logits.size(); ++id) {
          if (std::isfinite(fast_logits[id]) == std::isfinite(slow_logits[id])) continue;
          report.problems.push_back(text + " after " + written + ": token " + std::to_string(id) + " (" +
                                    vocab.token_to_piece(static_cast<token_id>(id)) + ") " +
                                    (std::isfinite(fast_logits[id]) ? "allowed" : "refused") + " by the shortcut, not by the walk");
          break;
        }
        if (auto wrong = cross_check(vocab, fast, state, fast_scratch); !wrong.empty()) report.problems.push_back(text + " after " + written + ": " + wrong);
        if (report.problems.size() > 10) return report;
        for (float& l : drawn) l = normal(rng);
        for (const token_id end : vocab.end_of_generation_ids()) drawn[static_cast<std::size_t>(end)] += 6.0f;
        fast.apply(state, drawn, fast_scratch);
        const auto best = static_cast<token_id>(std::max_element(drawn.begin(), drawn.end()) - drawn.begin());
        if (!std::isfinite(drawn[static_cast<std::size_t>(best)]) || vocab.is_end_of_generation(best)) {
          ++report.ended;
          break;
        }
        if (!fast.advance(state, best)) {
          report.problems.push_back(text + " after " + written + ": drew a refused token");
          break;
        }
        written += vocab.token_to_piece(best);
      }
    }
  }
  return report;
}

}  // namespace infergrid::model::testing_support

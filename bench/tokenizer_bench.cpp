// Byte-level BPE encode speed on ~1 MB of mixed text (English, code, CJK, emoji, digits, whitespace:
// the conformance corpus repeated with running numbers), for the Qwen3 and Llama 3.1 vocabularies that
// the tokenizer tests write. Baseline: the models' own tokenizers in transformers.js (node, the npm
// packages the tests install) on the same text, in the same run.
//   bench_tokenizer BUILD_DIR      (after `ctest -R tokenizer_fixtures` wrote BUILD_DIR/tokenizer_conformance)
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>

#include "kernels/model/tokenizer.hpp"

using namespace infergrid;

namespace {

std::string megabyte_of_text(const std::string& corpus_path) {
  std::ifstream in(corpus_path);
  const auto corpus = nlohmann::json::parse(in, nullptr, false);
  std::string text;
  for (int round = 0; text.size() < (1u << 20) && corpus.is_array(); ++round) {
    for (const auto& entry : corpus) text += entry["text"].get<std::string>() + " " + std::to_string(round) + "\n";
  }
  return text;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// transformers.js's encode time in ms for the text file, or a negative value when node fails.
double reference_ms(const std::string& work, const std::string& vocab, const std::string& text_path) {
  const std::string command = "NODE_PATH='" + work + "/node_modules' node '" + work + "/tokenize_timing.cjs' " + vocab +
                              " '" + text_path + "'";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  double ms = -1;
  if (std::fscanf(pipe, "%lf", &ms) != 1) ms = -1;
  pclose(pipe);
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  std::string build_dir;
  CLI::App app{"bench_tokenizer: encode and decode speed of our tokenizer on a megabyte of text (qwen3, llama3)."};
  app.add_option("build_dir", build_dir, "the build folder (its tokenizer_conformance/ holds the vocabularies)")->required();
  CLI11_PARSE(app, argc, argv);
  const std::string work = build_dir + "/tokenizer_conformance";
  const std::string text = megabyte_of_text(std::string(INFERGRID_SOURCE_DIR) + "/tests/tokenizer_conformance/corpus.json");
  const std::string text_path = work + "/bench_text.txt";
  std::ofstream(text_path, std::ios::binary) << text;
  fmt::print("text: {} bytes\n", text.size());
  for (const char* vocab : {"qwen3", "llama3"}) {
    auto file = model::gguf_file::open(work + "/" + vocab + "-tiny.gguf");
    if (!file) {
      fmt::print(stderr, "error: {} (run ctest -R tokenizer_fixtures first)\n", file.err().message);
      return 1;
    }
    const auto load_start = std::chrono::steady_clock::now();
    auto tokenizer = model::tokenizer::from_gguf(*file);
    if (!tokenizer) {
      fmt::print(stderr, "error: {}\n", tokenizer.err().message);
      return 1;
    }
    const double load_s = seconds_since(load_start);
    double best_s = 1e9;
    double best_cpu_s = 1e9;  // process CPU time: what the encode costs when the machine is shared
    std::size_t count = 0;
    for (int run = 0; run < 3; ++run) {
      const auto start = std::chrono::steady_clock::now();
      const std::clock_t cpu_start = std::clock();
      count = tokenizer->encode(text).size();
      best_s = std::min(best_s, seconds_since(start));
      best_cpu_s = std::min(best_cpu_s, static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
    }
    const double baseline_ms = reference_ms(work, vocab, text_path);
    fmt::print("{:7} load {:.0f} ms; encode {} tokens: ours {:.1f} ms wall, {:.1f} ms CPU ({:.1f} MB/s)", vocab,
               load_s * 1e3, count, best_s * 1e3, best_cpu_s * 1e3, text.size() / best_s / 1e6);
    if (baseline_ms > 0) {
      fmt::print(", transformers.js {:.1f} ms, ratio ours/baseline time {:.3f}\n", baseline_ms, best_s * 1e3 / baseline_ms);
    } else {
      fmt::print(", transformers.js baseline unavailable (node)\n");
    }
  }
  return 0;
}

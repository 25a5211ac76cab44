#pragma once
// Helpers shared by the model tests: unique temporary paths, raw file writes, random values.
#include <unistd.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kernels/model/gguf_file.hpp"
#include "kernels/model/random_llama.hpp"
#include "kernels/model/tokenizer.hpp"

namespace infergrid::model::testing_support {

// The paths temp_path gave out, removed when the test process exits (each test is a process of
// its own under ctest), so repeated runs do not fill the temp dir with fixtures.
struct temp_files {
  std::vector<std::string> paths;
  ~temp_files() {
    for (const std::string& path : paths) {
      std::error_code ignored;
      std::filesystem::remove(path, ignored);
    }
  }
};
inline temp_files made_temp_files;

// A path under the gtest temp dir, unique per process and name; the file is removed at exit.
inline std::string temp_path(const std::string& name) {
  std::string path =
      (std::filesystem::path(::testing::TempDir()) / ("infergrid_" + std::to_string(::getpid()) + "_" + name)).string();
  made_temp_files.paths.push_back(path);
  return path;
}

inline void write_bytes(const std::string& path, std::span<const std::byte> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// The bundled real model (tests run with cwd = source root).
inline std::string stories260k_path() {
  const char* root = std::getenv("INFERGRID_SOURCE_DIR");
  return std::string(root != nullptr ? root : ".") + "/deploy/models/stories260k.gguf";
}

// KiB of `path`'s mappings resident in this process (Rss summed over /proc/self/smaps entries naming
// it): what a mapped model file costs the process, apart from the page cache.
inline std::size_t resident_kib_of_mapped_file(const std::string& path) {
  const std::string wanted = std::filesystem::canonical(path).string();
  std::ifstream smaps("/proc/self/smaps");
  std::size_t total = 0;
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    const auto space = line.find(' ');
    if (space != std::string::npos && line.find('-') < space) {  // a mapping's header line
      inside = line.size() >= wanted.size() && line.compare(line.size() - wanted.size(), wanted.size(), wanted) == 0;
    } else if (inside && line.rfind("Rss:", 0) == 0) {
      total += std::stoul(line.substr(4));
    }
  }
  return total;
}

// A test suite on the bundled model's tokenizer, loaded once per suite:
//   class my_suite : public testing_support::stories_tokenizer_suite {};  ... vocab() ...
class stories_tokenizer_suite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto file = gguf_file::open(stories260k_path());
    ASSERT_TRUE(file.ok()) << file.err().message;
    auto loaded = tokenizer::from_gguf(*file);
    ASSERT_TRUE(loaded.ok()) << loaded.err().message;
    vocab_ = std::make_unique<tokenizer>(std::move(*loaded));
  }
  static void TearDownTestSuite() { vocab_.reset(); }
  static const tokenizer& vocab() { return *vocab_; }

 private:
  static inline std::unique_ptr<tokenizer> vocab_;
};

// A small GQA Llama that writes and loads in milliseconds.
inline random_llama_options tiny_llama_options(ggml_type weight_type = ggml_type::q8_0) {
  return random_llama_tiny(weight_type);
}

// n values drawn from a normal distribution (mean 0), the same for the same seed.
inline std::vector<float> random_normals(std::size_t n, std::uint32_t seed, float standard_deviation) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, standard_deviation);
  std::vector<float> values(n);
  for (float& x : values) x = normal(rng);
  return values;
}

}  // namespace infergrid::model::testing_support

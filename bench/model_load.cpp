// bench/model_load: opening a ~100M-parameter GGUF by mmap (validate the header, resolve every weight,
// build the tokenizer) against the baseline of reading the file into memory, which any copying loader
// must at least do. Also times the BLAKE2b content hash (one full read, done once per opened file).
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "kernels/model/architecture.hpp"
#include "kernels/model/gguf_file.hpp"
#include "kernels/model/llama_hparams.hpp"
#include "kernels/model/llama_weights.hpp"
#include "kernels/model/random_llama.hpp"
#include "kernels/model/tokenizer.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
constexpr int rounds = 5;  // best of

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

long resident_mib() {
  long pages_total = 0, pages_resident = 0;
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  if (std::fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
  std::fclose(f);
  return pages_resident * ::sysconf(_SC_PAGESIZE) >> 20;
}

struct measurement {
  double seconds = 1e30;
  long resident_added_mib = 0;  // while the loaded model is alive
};

template <class Load>
measurement best_of(Load load) {
  measurement m;
  for (int i = 0; i < rounds; ++i) {
    const long before = resident_mib();
    const auto start = clock_type::now();
    auto loaded = load();
    m.seconds = std::min(m.seconds, seconds_since(start));
    m.resident_added_mib = resident_mib() - before;
  }
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace infergrid;
  std::string path;
  CLI::App app{"bench_model_load: opening a GGUF model (mapping, weights, tokenizer) against reading its bytes."};
  app.add_option("model", path, "the GGUF model [default: a random 100M Q8_0 Llama written to "
                 "/tmp/infergrid_bench_100m_q8_0.gguf]");
  CLI11_PARSE(app, argc, argv);
  if (path.empty()) {
    path = "/tmp/infergrid_bench_100m_q8_0.gguf";
    std::printf("writing %s (random_llama_100m, Q8_0)...\n", path.c_str());
    if (auto written = model::write_random_llama(path, model::random_llama_100m(model::ggml_type::q8_0)); !written) {
      std::fprintf(stderr, "error: %s\n", written.err().message.c_str());
      return 1;
    }
  }
  const measurement copy = best_of([&] {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    std::vector<char> bytes(static_cast<std::size_t>(in.tellg()));
    in.seekg(0);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return bytes;
  });
  const measurement mapped = best_of([&] {
    auto file = model::gguf_file::open(path);
    if (!file) {
      std::fprintf(stderr, "error: %s\n", file.err().message.c_str());
      std::exit(1);
    }
    const model::gguf_tensor* embd = file->find_tensor("token_embd.weight");
    const auto n_vocab = static_cast<std::uint32_t>(embd != nullptr ? embd->dims[1] : 0);
    // Weight resolution needs hparams; fill them without the hash, which is timed on its own below.
    auto arch = model::find_architecture(file->get_string("general.architecture").value());
    if (!arch) {
      std::fprintf(stderr, "error: %s\n", arch.err().message.c_str());
      std::exit(1);
    }
    model::llama_hparams h{.arch = *arch,
                           .n_layers = file->get_u32("llama.block_count").value(),
                           .n_embd = file->get_u32("llama.embedding_length").value(),
                           .n_heads = file->get_u32("llama.attention.head_count").value(),
                           .n_kv_heads = file->get_u32("llama.attention.head_count_kv").value(),
                           .n_ff = file->get_u32("llama.feed_forward_length").value(),
                           .n_vocab = n_vocab};
    h.head_dim = h.n_embd / h.n_heads;
    auto weights = model::resolve_llama_weights(*file, h);
    auto vocab = model::tokenizer::from_gguf(*file);
    if (!weights || !vocab) {
      std::fprintf(stderr, "error: %s\n", (!weights ? weights.err() : vocab.err()).message.c_str());
      std::exit(1);
    }
    return file;
  });
  auto file = model::gguf_file::open(path);
  const auto start = clock_type::now();
  (void)file->content_hash();
  const double hash_seconds = seconds_since(start);
  const double file_bytes = static_cast<double>(file->file_bytes().size());

  std::printf("model: %s, %.0f MiB, %zu tensors\n", path.c_str(), file_bytes / (1 << 20), file->tensors().size());
  std::printf("baseline  read the file into memory:            %8.1f ms, +%ld MiB resident\n", copy.seconds * 1e3,
              copy.resident_added_mib);
  std::printf("ours      mmap open + weights + tokenizer:       %8.1f ms, +%ld MiB resident\n", mapped.seconds * 1e3,
              mapped.resident_added_mib);
  std::printf("ratio     ours / baseline time: %.3f\n", mapped.seconds / copy.seconds);
  std::printf("content hash (BLAKE2b, once per file):          %8.1f ms, %.2f GB/s\n", hash_seconds * 1e3,
              file_bytes / hash_seconds / 1e9);
  return 0;
}

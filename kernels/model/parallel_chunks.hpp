#pragma once
// Runs work(begin, end) over [0, count) in chunks of `chunk` spread across the machine's hardware
// threads, and waits for all of them. For CPU-heavy generation at build time (random model weights,
// their quantization), not for serving.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace infergrid::model {

template <class Work>
void parallel_chunks(std::size_t count, std::size_t chunk, Work&& work) {
  chunk = std::max<std::size_t>(chunk, 1);
  const std::size_t chunks = (count + chunk - 1) / chunk;
  const std::size_t threads = std::min<std::size_t>(chunks, std::max(1u, std::thread::hardware_concurrency()));
  std::atomic<std::size_t> next{0};
  const auto run = [&] {
    for (std::size_t c = next++; c < chunks; c = next++) work(c * chunk, std::min(count, (c + 1) * chunk));
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(run);
  run();
  for (std::thread& thread : pool) thread.join();
}

}  // namespace infergrid::model

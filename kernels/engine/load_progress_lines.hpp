#pragma once
// Turns the engine's load progress (engine_options::on_load_progress) into a few lines a person
// reads: one per 10% of the weights uploaded, e.g. "loading weights: 40% (99.8 of 249.4 MB)", once
// the load has taken a second (a model that loads faster gets only its last line), and the last.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace infergrid::engine {

class load_progress_lines {
 public:
  using clock_fn = std::function<std::chrono::steady_clock::time_point()>;
  explicit load_progress_lines(std::function<void(const std::string&)> print, clock_fn now = std::chrono::steady_clock::now);
  void operator()(std::size_t done_bytes, std::size_t total_bytes);

 private:
  std::function<void(const std::string&)> print_;
  clock_fn now_;
  std::chrono::steady_clock::time_point started_;
  int next_percent_ = 10;  // the next step worth a line
};

}  // namespace infergrid::engine

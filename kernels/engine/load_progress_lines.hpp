#pragma once
// Turns the engine's load progress (engine_options::on_load_progress) into a few lines a person
// reads: one per 10% of the weights uploaded, e.g. "loading weights: 40% (99.8 of 249.4 MB)".
#include <cstddef>
#include <functional>
#include <string>

namespace infergrid::engine {

class load_progress_lines {
 public:
  explicit load_progress_lines(std::function<void(const std::string&)> print) : print_(std::move(print)) {}
  void operator()(std::size_t done_bytes, std::size_t total_bytes);

 private:
  std::function<void(const std::string&)> print_;
  int next_percent_ = 10;  // the next step worth a line
};

}  // namespace infergrid::engine

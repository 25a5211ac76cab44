#include "kernels/engine/load_progress_lines.hpp"

#include <fmt/format.h>

namespace infergrid::engine {

namespace {
// Loads shorter than this say nothing until their last line.
constexpr std::chrono::seconds quiet_start{1};
}  // namespace

load_progress_lines::load_progress_lines(std::function<void(const std::string&)> print, clock_fn now)
    : print_(std::move(print)), now_(std::move(now)), started_(now_()) {}

void load_progress_lines::operator()(std::size_t done_bytes, std::size_t total_bytes) {
  if (total_bytes == 0) return;
  const bool last = done_bytes >= total_bytes;
  const int percent = static_cast<int>(100.0 * static_cast<double>(done_bytes) / static_cast<double>(total_bytes));
  if (!last && (percent < next_percent_ || now_() - started_ < quiet_start)) return;
  while (next_percent_ <= percent) next_percent_ += 10;
  print_(fmt::format("loading weights: {}% ({:.1f} of {:.1f} MB)", percent, static_cast<double>(done_bytes) / 1e6,
                     static_cast<double>(total_bytes) / 1e6));
  if (last) next_percent_ = 1000;  // said once
}

}  // namespace infergrid::engine

#include "kernels/engine/load_progress_lines.hpp"

#include <fmt/format.h>

namespace infergrid::engine {

void load_progress_lines::operator()(std::size_t done_bytes, std::size_t total_bytes) {
  if (total_bytes == 0) return;
  const int percent = static_cast<int>(100.0 * static_cast<double>(done_bytes) / static_cast<double>(total_bytes));
  if (percent < next_percent_ && done_bytes < total_bytes) return;
  while (next_percent_ <= percent) next_percent_ += 10;
  print_(fmt::format("loading weights: {}% ({:.1f} of {:.1f} MB)", percent, static_cast<double>(done_bytes) / 1e6,
                     static_cast<double>(total_bytes) / 1e6));
  if (done_bytes >= total_bytes) next_percent_ = 1000;  // said once
}

}  // namespace infergrid::engine

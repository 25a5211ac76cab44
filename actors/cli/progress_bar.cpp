#include "actors/cli/progress_bar.hpp"

#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

namespace infergrid::cli {
namespace {

constexpr int bar_width = 24;

}  // namespace

progress_bar::progress_bar(std::string label, std::FILE* out)
    : label_(std::move(label)), out_(out), terminal_(::isatty(::fileno(out)) == 1) {}

void progress_bar::update(double done, double total, const std::string& detail) {
  if (total <= 0) return;
  const int percent = std::clamp(static_cast<int>(100.0 * done / total), 0, 100);
  // A terminal redraws on every whole percent; a log gets a line per tenth.
  const int step = terminal_ ? percent : percent / 10 * 10;
  if (step == shown_percent_) return;
  shown_percent_ = step;
  draw(percent, detail);
}

void progress_bar::draw(int percent, const std::string& detail) {
  const int filled = percent * bar_width / 100;
  const std::string bar = std::string(static_cast<std::size_t>(filled), '#') + std::string(static_cast<std::size_t>(bar_width - filled), '-');
  fmt::print(out_, "{}[{}] {:>3}% {}{}{}", terminal_ ? "\r\x1b[2K" : "", bar, percent, label_, detail.empty() ? "" : " ",
             detail);
  if (!terminal_) fmt::print(out_, "\n");
  std::fflush(out_);
}

void progress_bar::finish(const std::string& summary) {
  if (terminal_ && shown_percent_ >= 0) fmt::print(out_, "\r\x1b[2K");
  fmt::print(out_, "{}\n", summary);
  std::fflush(out_);
}

}  // namespace infergrid::cli

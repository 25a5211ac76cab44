#pragma once
// progress_bar: a long step's progress in the terminal — redrawn in place on a terminal
// ("[##########----------]  50% loading weights 1.2 of 2.4 MB"), one line per tenth elsewhere (logs,
// tests), then a closing line. `infergrid miner join` shows its model load and benchmark with it.
#include <cstdio>
#include <string>

namespace infergrid::cli {

class progress_bar {
 public:
  explicit progress_bar(std::string label, std::FILE* out = stdout);
  // `detail` follows the percentage ("1.2 of 2.4 MB").
  void update(double done, double total, const std::string& detail = {});
  void finish(const std::string& summary);

 private:
  void draw(int percent, const std::string& detail);

  std::string label_;
  std::FILE* out_;
  bool terminal_;
  int shown_percent_ = -1;  // the last percentage drawn (terminal) or the last tenth printed
};

}  // namespace infergrid::cli

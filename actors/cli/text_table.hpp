#pragma once
// A plain-text table for the CLI's reports: each column as wide as its widest cell or header, two
// spaces between columns, no trailing spaces. Widths count UTF-8 characters ("…", "‰" are one each).
#include <cstddef>
#include <string>
#include <vector>

namespace infergrid::cli {

enum class align { left, right };

struct text_column {
  std::string header;
  align alignment = align::left;
};

class text_table {
 public:
  explicit text_table(std::vector<text_column> columns);
  // Missing trailing cells are empty; extra cells are an error of the caller (dropped).
  void add_row(std::vector<std::string> cells);
  std::string render() const;  // the header line, then one line per row, each ending in '\n'

 private:
  std::vector<text_column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace infergrid::cli

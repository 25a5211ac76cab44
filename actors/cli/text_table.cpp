#include "actors/cli/text_table.hpp"

#include <algorithm>

#include "runtime/utf8_characters.hpp"

namespace infergrid::cli {

text_table::text_table(std::vector<text_column> columns) : columns_(std::move(columns)) {}

void text_table::add_row(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

std::string text_table::render() const {
  std::vector<std::size_t> widths;
  for (const auto& column : columns_) widths.push_back(utf8_characters(column.header));
  for (const auto& row : rows_) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], utf8_characters(row[i]));
  }
  std::string out;
  auto line = [&](auto cell_at) {
    std::string text;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const std::string& cell = cell_at(i);
      const std::string pad(widths[i] - utf8_characters(cell), ' ');
      if (i > 0) text += "  ";
      text += columns_[i].alignment == align::right ? pad + cell : cell + pad;
    }
    text.erase(text.find_last_not_of(' ') + 1);
    out += text + '\n';
  };
  line([&](std::size_t i) -> const std::string& { return columns_[i].header; });
  for (const auto& row : rows_) line([&](std::size_t i) -> const std::string& { return row[i]; });
  return out;
}

}  // namespace infergrid::cli

#include "runtime/log_level_name.hpp"

#include <array>
#include <utility>

namespace infergrid {
namespace {

constexpr std::array<std::pair<std::string_view, log_level>, 4> level_names = {
    {{"debug", log_level::debug}, {"info", log_level::info}, {"warn", log_level::warn}, {"error", log_level::error}}};

}  // namespace

std::optional<log_level> log_level_named(std::string_view name) {
  for (const auto& [known, level] : level_names) {
    if (known == name) return level;
  }
  return std::nullopt;
}

std::vector<std::string> log_level_names() {
  std::vector<std::string> names;
  for (const auto& entry : level_names) names.emplace_back(entry.first);
  return names;
}

}  // namespace infergrid

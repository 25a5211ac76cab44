#include "runtime/input_path.hpp"

#include <filesystem>

namespace infergrid {

std::string resolve_input_path(const std::string& path, const std::string& config_source) {
  namespace fs = std::filesystem;
  if (path.empty() || fs::path(path).is_absolute() || fs::exists(path)) return path;
  std::error_code ignored;
  for (fs::path dir = fs::absolute(config_source, ignored).parent_path(); !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / path)) return (dir / path).string();
    if (dir == dir.parent_path()) break;
  }
  return path;
}

}  // namespace infergrid

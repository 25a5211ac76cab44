#include "actors/gpu_worker/model_path.hpp"

#include <filesystem>

namespace infergrid::gpu_worker {

std::string resolve_model_path(const std::string& path, const std::string& config_source) {
  namespace fs = std::filesystem;
  if (fs::path(path).is_absolute() || fs::exists(path)) return path;
  std::error_code ignored;
  for (fs::path dir = fs::absolute(config_source, ignored).parent_path(); !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / path)) return (dir / path).string();
    if (dir == dir.parent_path()) break;
  }
  return path;
}

}  // namespace infergrid::gpu_worker

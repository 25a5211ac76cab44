#include "runtime/writable_path.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace infergrid {

status check_writable_path(const std::string& path) {
  const std::filesystem::path file(path);
  const std::filesystem::path folder = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    return make_error(error_code::not_found, "folder " + folder.string() + " of " + path + " does not exist");
  }
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    return make_error(error_code::invalid_argument, "cannot write in folder " + folder.string() + " of " + path + ": " +
                                                        std::strerror(errno));
  }
  if (std::filesystem::exists(file, ec) && ::access(file.c_str(), R_OK | W_OK) != 0) {
    return make_error(error_code::invalid_argument, "cannot read and write " + path + ": " + std::strerror(errno));
  }
  return {};
}

status check_writable_setting(const settings& config, std::string_view key, const std::string& path) {
  if (path.empty()) return {};
  status writable = check_writable_path(path);
  if (writable.ok()) return {};
  return config.report(make_error(writable.err().code, config.where(key) + ": " + writable.err().message));
}

}  // namespace infergrid

#pragma once
// temp_dir: a fresh directory under the temp dir (named for the test and this process), removed with
// everything in it when the object dies.
#include <unistd.h>

#include <filesystem>
#include <string>

namespace infergrid::testing {

class temp_dir {
 public:
  explicit temp_dir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace infergrid::testing

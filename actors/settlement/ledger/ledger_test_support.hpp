#pragma once
// Test support for the ledger tests: deterministic keys and a temporary ledger file.
#include <filesystem>
#include <string>

#include <unistd.h>

#include "runtime/identity.hpp"

namespace infergrid::ledger::testing {

inline identity key(std::uint8_t n) {
  std::array<std::uint8_t, 32> seed{};
  seed[0] = n;
  seed[1] = 0x5e;
  return identity::from_seed(seed);
}

// A fresh directory under the temp dir, removed with everything in it when the object dies.
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

}  // namespace infergrid::ledger::testing

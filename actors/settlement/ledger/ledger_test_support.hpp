#pragma once
// Test support for the ledger tests: deterministic keys and a temporary ledger file.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "runtime/identity.hpp"
#include "tests/support/temp_dir.hpp"

namespace infergrid::ledger::testing {

inline identity key(std::uint8_t n) {
  std::array<std::uint8_t, 32> seed{};
  seed[0] = n;
  seed[1] = 0x5e;
  return identity::from_seed(seed);
}

// A fresh directory under the temp dir (tests/support/temp_dir.hpp).
using infergrid::testing::temp_dir;

struct cli_result {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs the real `infergrid` binary of this build with `arguments` (shell words).
inline cli_result run_cli(const std::string& arguments) {
  const char* binary_dir = std::getenv("INFERGRID_BINARY_DIR");
  const std::string command = std::string(binary_dir ? binary_dir : "build") + "/actors/cli/infergrid " + arguments + " 2>&1";
  cli_result out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[512];
  for (int lines = 0; lines < 1000 && std::fgets(buffer, sizeof buffer, pipe) != nullptr; ++lines) out.output += buffer;
  const int status = ::pclose(pipe);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

}  // namespace infergrid::ledger::testing

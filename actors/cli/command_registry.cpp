#include "actors/cli/command_registry.hpp"

namespace infergrid::cli {
namespace {
int g_exit_code = 0;
}

std::vector<command_adder>& command_adders() {
  static std::vector<command_adder> adders;
  return adders;
}

void set_exit_code(int code) { g_exit_code = code; }
int exit_code() { return g_exit_code; }

}  // namespace infergrid::cli

#pragma once
// Subcommands of the `infergrid` binary register themselves here, one file each:
//   static void add_up(CLI::App& app) { auto* up = app.add_subcommand("up", "..."); ... }
//   IG_REGISTER_COMMAND(add_up);
// A subcommand's callback sets the exit code through set_exit_code() instead of calling exit().
#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

namespace infergrid::cli {

using command_adder = void (*)(CLI::App& app);

std::vector<command_adder>& command_adders();
void set_exit_code(int code);
int exit_code();

struct command_registration {
  explicit command_registration(command_adder adder) { command_adders().push_back(adder); }
};

}  // namespace infergrid::cli

#define IG_REGISTER_COMMAND_CAT2(a, b) a##b
#define IG_REGISTER_COMMAND_CAT(a, b) IG_REGISTER_COMMAND_CAT2(a, b)
#define IG_REGISTER_COMMAND(adder) \
  static ::infergrid::cli::command_registration IG_REGISTER_COMMAND_CAT(ig_command_, __LINE__){adder}

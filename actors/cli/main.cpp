// infergrid: one binary; each subcommand is its own *_command.cpp registered in command_registry.
#include <CLI/CLI.hpp>

#include "actors/cli/command_registry.hpp"
#include "actors/cli/log_level_option.hpp"

int main(int argc, char** argv) {
  CLI::App app{"InferGrid: a decentralized LLM inference network of actors on a ZeroMQ bus."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "infergrid 0.1.0");
  app.fallthrough();  // a root option (--log-level) may follow the subcommand too
  infergrid::cli::add_log_level_option(app);
  for (auto adder : infergrid::cli::command_adders()) adder(app);
  CLI11_PARSE(app, argc, argv);
  return infergrid::cli::exit_code();
}

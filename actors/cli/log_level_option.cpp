#include "actors/cli/log_level_option.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <string_view>

#include "runtime/log.hpp"

namespace infergrid::cli {
namespace {

const std::map<std::string, log_level> level_names = {
    {"debug", log_level::debug}, {"info", log_level::info}, {"warn", log_level::warn}, {"error", log_level::error}};

// Subcommand paths (as typed) that reach a node, ask, print and exit.
constexpr std::array<std::string_view, 6> asking_commands = {"ping", "status", "trace", "chain", "miner status",
                                                             "miner leave"};

std::string chosen_command(const CLI::App& app) {
  std::string path;
  for (const CLI::App* at = &app; !at->get_subcommands().empty();) {
    at = at->get_subcommands().front();
    path += (path.empty() ? "" : " ") + at->get_name();
  }
  return path;
}

bool asks_a_grid(const std::string& command) {
  return std::any_of(asking_commands.begin(), asking_commands.end(), [&](std::string_view asking) {
    return command == asking || command.starts_with(std::string(asking) + " ");
  });
}

}  // namespace

void add_log_level_option(CLI::App& app) {
  static std::string chosen;
  app.add_option("--log-level", chosen,
                 "Log lines to show on stderr: debug, info, warn or error (default: info; warn for commands that only "
                 "ask a running grid, such as ping, status and trace)")
      ->envname("INFERGRID_LOG")
      ->transform(CLI::IsMember(level_names))
      ->type_name("LEVEL");
  app.parse_complete_callback([&app] {
    if (!chosen.empty()) {
      set_log_level(level_names.at(chosen));
    } else if (asks_a_grid(chosen_command(app))) {
      set_log_level(log_level::warn);
    }
  });
}

}  // namespace infergrid::cli

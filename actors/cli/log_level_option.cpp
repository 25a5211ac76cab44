#include "actors/cli/log_level_option.hpp"

#include <map>
#include <optional>
#include <string>

#include "runtime/log_level_name.hpp"

namespace infergrid::cli {
namespace {

// Each command's declared level, keyed by the command (set where it is added).
std::map<const CLI::App*, log_level>& default_levels() {
  static std::map<const CLI::App*, log_level> levels;
  return levels;
}

// The level the chosen command (or the nearest command above it) declares.
std::optional<log_level> declared_level(const CLI::App& app) {
  std::optional<log_level> level;
  for (const CLI::App* at = &app; !at->get_subcommands().empty();) {
    at = at->get_subcommands().front();
    if (auto found = default_levels().find(at); found != default_levels().end()) level = found->second;
  }
  return level;
}

}  // namespace

void set_default_log_level(const CLI::App& command, log_level level) { default_levels()[&command] = level; }

void add_log_level_option(CLI::App& app) {
  static std::string chosen;
  app.add_option("--log-level", chosen,
                 "Log lines to show on stderr: debug, info, warn or error (default: info; warn for commands that only "
                 "ask a running grid, such as ping, status and trace)")
      ->envname("INFERGRID_LOG")
      ->check(CLI::IsMember(log_level_names()))
      ->type_name("LEVEL");
  app.parse_complete_callback([&app] {
    if (!chosen.empty()) {
      set_log_level(*log_level_named(chosen));
    } else if (auto declared = declared_level(app)) {
      set_log_level(*declared);
    }
  });
}

}  // namespace infergrid::cli

#pragma once
// `infergrid --log-level debug|info|warn|error` (or INFERGRID_LOG): which log lines reach stderr.
// Unset, a command logs at the level it declares where it is added (info when it declares none):
// commands that ask a running grid something and print its answer (ping, status, trace, ...) declare
// warn, since their temporary client node's start and stop lines are noise there:
//   auto* ping = app.add_subcommand("ping", "...");
//   set_default_log_level(*ping, log_level::warn);
#include <CLI/CLI.hpp>

#include "runtime/log.hpp"

namespace infergrid::cli {

void add_log_level_option(CLI::App& app);
// `command`'s level (and its subcommands', unless they declare their own) when none is chosen.
void set_default_log_level(const CLI::App& command, log_level level);

}  // namespace infergrid::cli

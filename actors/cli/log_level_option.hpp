#pragma once
// `infergrid --log-level debug|info|warn|error` (or INFERGRID_LOG): which log lines reach stderr.
// Unset, commands that ask a running grid something and print its answer (ping, status, trace, ...) log
// warnings and errors only: their temporary client node's start and stop lines are noise there.
#include <CLI/CLI.hpp>

namespace infergrid::cli {

void add_log_level_option(CLI::App& app);

}  // namespace infergrid::cli

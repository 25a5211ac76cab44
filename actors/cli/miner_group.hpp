#pragma once
// miner_group: the `infergrid miner` command that `miner join` (miner_join_command.cpp) and
// `miner status` (miner_status_command.cpp) hang under, made by whichever registers first.
#include <CLI/CLI.hpp>

namespace infergrid::cli {

inline CLI::App* miner_group(CLI::App& app) {
  for (CLI::App* existing : app.get_subcommands([](CLI::App* sub) { return sub->get_name() == "miner"; })) return existing;
  CLI::App* miner = app.add_subcommand("miner", "Join a grid as a miner (keys, benchmark, stake, serve) and see how "
                                                "your miner is doing (earnings, stake, reputation, audits).");
  miner->require_subcommand(1);
  return miner;
}

}  // namespace infergrid::cli

#pragma once
// `infergrid chain deploy` (chain_deploy_command.cpp): added under `chain`.
#include <CLI/CLI.hpp>

namespace infergrid::cli {

void add_chain_deploy_command(CLI::App& chain);

}  // namespace infergrid::cli

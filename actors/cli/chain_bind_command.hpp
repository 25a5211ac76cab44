#pragma once
// `infergrid chain bind` (chain_bind_command.cpp): added under `chain`.
#include <CLI/CLI.hpp>

namespace infergrid::cli {

void add_chain_bind_command(CLI::App& chain);

}  // namespace infergrid::cli

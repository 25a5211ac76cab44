#pragma once
// `infergrid chain request-withdrawal | withdraw` (chain_withdraw_command.cpp): added under `chain`.
#include <CLI/CLI.hpp>

namespace infergrid::cli {

void add_chain_withdraw_commands(CLI::App& chain);

}  // namespace infergrid::cli

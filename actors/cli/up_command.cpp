// `infergrid up`: the whole grid in one process (deploy/all-in-one.yaml) until Ctrl-C. With --chain
// it first starts a local dev chain (dev_chain.hpp: anvil, the vault, funded dev accounts), points
// the settlement actor's chain bridge at it, and stops it after the grid has drained.
#include <cstdio>

#include <fmt/format.h>

#include "actors/cli/command_registry.hpp"
#include "actors/cli/dev_chain.hpp"
#include "actors/settlement/chain_bridge.hpp"
#include "actors/settlement/settlement_state.hpp"
#include "runtime/actor_settings_check.hpp"
#include "runtime/serve.hpp"

namespace {

using infergrid::status;

struct up_args {
  std::string config;
  bool chain = false;
  infergrid::cli::dev_chain_options chain_options;
};

status serve_with_dev_chain(const up_args& args, const std::string& path) {
  auto config = infergrid::load_checked_config_file(path);
  if (!config) return config.err();
  const auto miners = infergrid::cli::dev_chain::miners_of(*config, args.chain_options);
  infergrid::cli::dev_chain_options options = args.chain_options;
  // Refused before anvil starts: a config --chain cannot connect.
  auto settlement_actor = infergrid::cli::dev_chain::settlement_of(*config);
  if (!settlement_actor) return settlement_actor.err();
  auto settlement = infergrid::read_settlement_settings((*settlement_actor)->config);
  if (!settlement) return settlement.err();
  options.rules = infergrid::vault_rules_of(settlement->ledger);  // a new vault enforces what this ledger books
  auto chain = infergrid::cli::dev_chain::start(options, miners);
  if (!chain) return make_error(chain.err().code, "--chain: " + chain.err().message);
  IG_TRY((*chain)->configure(*config));
  fmt::print("{}", (*chain)->summary());
  std::fflush(stdout);
  auto served = infergrid::serve_until_signal(std::move(*config), path + " with the dev chain");
  (*chain)->stop();
  fmt::print("dev chain stopped (its state is kept in {}/)\n", args.chain_options.dir);
  return served;
}

void add_up(CLI::App& app) {
  auto* up = app.add_subcommand("up", "Start every actor of the grid in this one process (inproc bus) and run until "
                                      "Ctrl-C/SIGTERM, then drain in-flight messages and exit 0.");
  auto args = std::make_shared<up_args>();
  up->add_option("--config", args->config,
                 "Node config (YAML). Default: deploy/all-in-one.yaml in the current directory, else in the "
                 "source tree this binary was built from.");
  up->add_flag("--chain", args->chain,
               "Also run a local dev chain (anvil): deploy the vault, fund the dev accounts, and settle through it "
               "(deploy/readme/chain.md, \"Dev chain\"). Without it the ledger is SQLite only.");
  up->add_option("--chain-dir", args->chain_options.dir, "With --chain: folder of the chain's keys, state and log")
      ->capture_default_str();
  up->add_option("--chain-port", args->chain_options.port, "With --chain: anvil's port (0: a free one)")->capture_default_str();
  up->callback([args] {
    const std::string path = args->config.empty() ? infergrid::default_config_path() : args->config;
    auto served = args->chain ? serve_with_dev_chain(*args, path) : infergrid::serve_until_signal(path);
    if (!served.ok()) {
      fmt::print(stderr, "infergrid up: {}\n", served.err().message);
      infergrid::cli::set_exit_code(1);
    }
  });
}

IG_REGISTER_COMMAND(add_up);

}  // namespace

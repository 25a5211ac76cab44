// `infergrid node --config FILE`: one node of a multi-host grid until SIGINT/SIGTERM.
#include <fmt/format.h>

#include "actors/cli/command_registry.hpp"
#include "runtime/serve.hpp"

namespace {

void add_node(CLI::App& app) {
  auto* node = app.add_subcommand("node", "Run one node of a grid: the actors its config lists, reachable by peers over "
                                          "tcp (ROUTER/DEALER). Stops cleanly (exit 0) on SIGINT/SIGTERM.");
  auto config = std::make_shared<std::string>();
  node->add_option("--config", *config, "Node config (YAML): node name, bind endpoint, peers, actors. "
                                        "See deploy/cluster/*.yaml.")
      ->required();
  node->callback([config] {
    auto served = infergrid::serve_until_signal(*config);
    if (!served.ok()) {
      fmt::print(stderr, "infergrid node: {}\n", served.err().message);
      infergrid::cli::set_exit_code(1);
    }
  });
}

IG_REGISTER_COMMAND(add_node);

}  // namespace

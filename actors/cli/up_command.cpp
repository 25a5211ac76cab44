// `infergrid up`: the whole grid in one process (deploy/all-in-one.yaml) until Ctrl-C.
#include <fmt/format.h>

#include "actors/cli/command_registry.hpp"
#include "runtime/serve.hpp"

namespace {

void add_up(CLI::App& app) {
  auto* up = app.add_subcommand("up", "Start every actor of the grid in this one process (inproc bus) and run until "
                                      "Ctrl-C/SIGTERM, then drain in-flight messages and exit 0.");
  auto config = std::make_shared<std::string>();
  up->add_option("--config", *config,
                 "Node config (YAML). Default: deploy/all-in-one.yaml in the current directory, else in the "
                 "source tree this binary was built from.");
  up->callback([config] {
    const std::string path = config->empty() ? infergrid::default_config_path() : *config;
    auto served = infergrid::serve_until_signal(path);
    if (!served.ok()) {
      fmt::print(stderr, "infergrid up: {}\n", served.err().message);
      infergrid::cli::set_exit_code(1);
    }
  });
}

IG_REGISTER_COMMAND(add_up);

}  // namespace

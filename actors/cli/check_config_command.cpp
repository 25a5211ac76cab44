// `infergrid check-config [--config FILE]`: reads a node config and every actor's settings as
// `infergrid node` / `up` would before starting any actor (runtime/actor_settings_check.hpp), prints
// every error (file, line, actor, key, why) and exits 1, or says it is valid and exits 0. Starts nothing.
#include <fmt/format.h>

#include "actors/cli/command_registry.hpp"
#include "runtime/actor_settings_check.hpp"
#include "runtime/serve.hpp"

namespace {

infergrid::status check_config(const std::string& path) {
  auto config = infergrid::load_checked_config_file(path);
  if (!config.ok()) return config.err();
  fmt::print("{}: valid (node {}, {} actors)\n", path, config->name, config->actors.size());
  return {};
}

void add_check_config(CLI::App& app) {
  auto* check = app.add_subcommand("check-config", "Check a node config and every actor's settings without starting "
                                                   "anything: prints every error and exits 1, or exits 0.");
  auto config = std::make_shared<std::string>(infergrid::default_config_path());
  check->add_option("--config", *config, "Node config (YAML), as `infergrid node --config` or `up --config` take it")
      ->capture_default_str();
  check->callback([config] {
    if (auto checked = check_config(*config); !checked.ok()) {
      fmt::print(stderr, "infergrid check-config: {}\n", checked.err().message);
      infergrid::cli::set_exit_code(1);
    }
  });
}

IG_REGISTER_COMMAND(add_check_config);

}  // namespace

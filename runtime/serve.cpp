#include "runtime/serve.hpp"

#include <csignal>
#include <cstring>
#include <filesystem>

#include "runtime/actor_settings_check.hpp"
#include "runtime/log.hpp"
#include "runtime/node.hpp"
#include "runtime/signals.hpp"

namespace infergrid {

std::string default_config_path() {
  const std::string relative = "deploy/all-in-one.yaml";
  if (std::filesystem::exists(relative)) return relative;
  return std::string(INFERGRID_BUILT_FROM_SOURCE_DIR) + "/" + relative;
}

status serve_until_signal(const std::string& config_path) {
  block_termination_signals();
  auto config = load_checked_config_file(config_path);  // every error in it, before anything starts
  if (!config.ok()) return config.err();
  return serve_until_signal(std::move(*config), config_path);
}

status serve_until_signal(node_config config, const std::string& label) {
  block_termination_signals();
  auto grid = node::create(std::move(config));
  if (!grid.ok()) return grid.err();
  node& self = **grid;
  auto started = self.start();
  if (!started.ok()) {
    self.stop();
    return started.err();
  }
  log(log_level::info, self.name(), "up with {} actors from {}; Ctrl-C to stop", self.config().actors.size(), label);
  const int signal_number = wait_for_termination_signal();
  log(log_level::info, self.name(), "received {}, draining", strsignal(signal_number));
  self.stop();
  return {};
}

}  // namespace infergrid

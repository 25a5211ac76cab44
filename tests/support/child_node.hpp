#pragma once
// child_node: a child `infergrid node` process on a free tcp port, hosting one health actor, with
// its own keys from `infergrid keygen` (tests/support/node_keys.hpp). `security` is the YAML
// flow mapping of its security section, e.g. "{transport: curve, transport_key: ...}"; by
// default CurveZMQ admitting `admitted_z85` (the test's own node). "$TRANSPORT_KEY" in `security`
// stands for the path of the child's own transport.key.
#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "tests/child_process.hpp"
#include "tests/support/node_keys.hpp"

namespace infergrid::testing {

struct child_node {
  static std::string curve_admitting(const node_keys& own, const std::string& admitted_z85) {
    return "{transport: curve, transport_key: '" + own.transport_key + "', transport_members: ['" + admitted_z85 + "']}";
  }

  // `security`: "" = curve admitting `admitted_z85` only. `host`: where it binds (e.g. "[::1]").
  // `launcher`: a command the node runs under (e.g. {"prlimit", "--nofile=64:64", "--"}).
  child_node(const std::string& name, const std::string& admitted_z85, std::string security = {},
             const std::string& host = "127.0.0.1", std::vector<std::string> launcher = {}) {
    using namespace std::chrono_literals;
    this->name = name;
    directory = make_temp_dir();
    keys = make_node_keys(directory, name);
    if (security.empty()) security = curve_admitting(keys, admitted_z85);
    for (auto at = security.find("$TRANSPORT_KEY"); at != std::string::npos; at = security.find("$TRANSPORT_KEY")) {
      security.replace(at, 14, keys.transport_key);
    }
    const std::string config = directory + "/" + name + ".yaml";
    write_file(config, "node:\n  name: " + name + "\n  bind: tcp://" + host + ":*\nsecurity: " + security +
                           "\nlimits:\n  drain_quiet_ms: 20\nactors:\n  - name: health\n    kind: health\n");
    std::vector<std::string> command = std::move(launcher);
    command.insert(command.end(), {infergrid_binary(), "node", "--config", config});
    process = std::make_unique<child_process>(std::move(command), directory + "/log.txt");
    auto line = process->wait_for_log("listening on tcp://", 20s);
    if (line) {
      std::smatch match;
      if (std::regex_search(*line, match, std::regex("tcp://(\\[[0-9a-f:]+\\]|[0-9.]+):[0-9]+"))) endpoint = match.str();
    }
    ready = process->wait_for_log("started actor", 20s).has_value();
  }
  std::string name;
  std::string directory;
  node_keys keys;
  std::unique_ptr<child_process> process;
  std::string endpoint;
  bool ready = false;
};

}  // namespace infergrid::testing

// `infergrid ping`: asks a running node's health actor for its report over tcp and prints it.
#include <chrono>
#include <unistd.h>

#include <fmt/format.h>

#include "actors/cli/command_registry.hpp"
#include "actors/cli/log_level_option.hpp"
#include "actors/cli/node_client.hpp"
#include "actors/cli/text_table.hpp"
#include "messages/system.hpp"
#include "runtime/node.hpp"
#include "runtime/log_escape.hpp"
#include "runtime/serve.hpp"

namespace {

struct ping_options {
  std::string config;
  std::string endpoint;
  std::string node_name;
  std::string server_key;
  std::string transport_key;
  std::string actor = "health";
  std::int64_t timeout_ms = 2000;
};

infergrid::status run_ping(const ping_options& options) {
  using namespace infergrid;
  auto connected = cli::connect_to_node(
      {options.config, options.endpoint, options.node_name, options.server_key, options.transport_key}, "ping");
  if (!connected.ok()) return connected.err();
  auto& client = connected->client;
  const std::string& endpoint = connected->endpoint;
  const std::string& target_node = connected->target_node;
  const std::string target = target_node + "/" + options.actor;

  const auto begin = std::chrono::steady_clock::now();
  auto echoed = client->call<pong>(target, ping{1, {}}, options.timeout_ms);
  if (!echoed.ok()) return cli::explain_failure(*connected, target, echoed.err(), options.timeout_ms);
  const auto round_trip_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - begin).count();
  auto report = client->call<health_report>(target, health_request{}, options.timeout_ms);
  if (!report.ok()) return cli::explain_failure(*connected, target, report.err(), options.timeout_ms);

  fmt::print("{} at {}: up {} ms, ping {} us ({} answered)\n", report->node, endpoint, report->uptime_ms, round_trip_us,
             echoed->responder);
  constexpr auto right = cli::align::right;
  cli::text_table counters({{"actor"}, {"kind"}, {"received", right}, {"sent", right}, {"malformed", right},
                            {"undeliv.", right}, {"errors", right}, {"restarts", right}, {"timeouts", right},
                            {"refused", right}});
  for (const auto& a : report->actors) {
    // Names the reached node chose, escaped as the log writes them (no terminal control sequences).
    counters.add_row({escape_control_characters(a.address), escape_control_characters(a.kind), fmt::to_string(a.received),
                      fmt::to_string(a.sent), fmt::to_string(a.dropped_malformed), fmt::to_string(a.dropped_undeliverable),
                      fmt::to_string(a.errors), fmt::to_string(a.restarts), fmt::to_string(a.timeouts),
                      fmt::to_string(a.refused)});
  }
  fmt::print("{}", counters.render());
  return {};
}

void add_ping(CLI::App& app) {
  auto* command = app.add_subcommand("ping", "Ask a running node's health actor for its uptime and per-actor message "
                                             "counters over tcp, and measure one round trip.");
  infergrid::cli::set_default_log_level(*command, infergrid::log_level::warn);  // asks a running grid
  auto options = std::make_shared<ping_options>();
  command->add_option("--config", options->config,
                      "Config of the node to reach (its name and bind endpoint). Default: deploy/all-in-one.yaml.");
  command->add_option("--endpoint", options->endpoint, "tcp://host:port of the node (overrides the config).");
  command->add_option("--node", options->node_name, "Name of the node (overrides the config).");
  command->add_option("--server-key", options->server_key,
                      "The node's CurveZMQ public key (Z85, or its transport.pub) when it is reached by --endpoint "
                      "under curve. Default: the config's transport.");
  command->add_option("--transport-key", options->transport_key,
                      "With --server-key: the transport.key to connect with (one the node admits). Default: a fresh "
                      "key, which only a node with `admit: open` lets in.");
  command->add_option("--actor", options->actor, "Actor to ask (default: health).");
  command->add_option("--timeout-ms", options->timeout_ms, "How long to wait for each reply (default: 2000).");
  command->callback([options] {
    auto outcome = run_ping(*options);
    if (!outcome.ok()) {
      fmt::print(stderr, "infergrid ping: {}\n", outcome.err().message);
      infergrid::cli::set_exit_code(1);
    }
  });
}

IG_REGISTER_COMMAND(add_ping);

}  // namespace

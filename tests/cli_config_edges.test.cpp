// What the real `infergrid` binary says about the files and addresses users give it: a keys file
// with a duplicate key is refused with its file and line (yaml-cpp would keep one of the two
// silently), a gateway bind that is no endpoint is refused when the config loads, bad settings of
// several actors are all listed before any starts (`node`, `check-config`), `ping --config`
// of a node bound to a wildcard reaches it on loopback, and `ask` prints no prompt when it fails.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/child_process.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/node_keys.hpp"

namespace infergrid {
namespace {

using std::chrono::seconds;
using testing::child_process;

struct cli_run {
  int exit_status = -1;
  std::string output;  // stdout and stderr
};

cli_run run_cli(std::vector<std::string> arguments, const std::string& dir, const std::string& log) {
  arguments.insert(arguments.begin(), testing::infergrid_binary());
  child_process cli(arguments, dir + "/" + log);
  const auto status = cli.wait_exit(seconds(30));
  return {status.value_or(-1), cli.log()};
}

bool says(const cli_run& run, const std::string& text) { return run.output.find(text) != std::string::npos; }

// `infergrid check-config` on the file `config`, written with `text` first.
cli_run check_config_of(const std::string& config, const std::string& text, const std::string& dir) {
  testing::write_file(config, text);
  return run_cli({"check-config", "--config", config}, dir, "check.log");
}

TEST(cli_config_edges, a_keys_file_with_a_duplicate_key_is_refused_with_file_and_line) {
  const std::string dir = testing::make_temp_dir();
  const std::string keys = dir + "/keys.yaml";
  testing::write_file(keys, "accounts:\n"
                            "  - name: dev\n"
                            "    keys: [sk-dev]\n"
                            "    balance_micro: 5\n"
                            "    balance_micro: 5000000\n");
  const cli_run run = run_cli({"keys", "list", "--keys-file", keys, "--url", "http://127.0.0.1:1"}, dir, "keys.log");
  EXPECT_EQ(run.exit_status, 1) << run.output;
  EXPECT_TRUE(says(run, keys + ":5: accounts[0].balance_micro: duplicate key (first at line 4)")) << run.output;
}

TEST(cli_config_edges, a_gateway_bind_that_is_no_endpoint_is_refused_at_load) {
  const std::string dir = testing::make_temp_dir();
  const testing::node_keys hub = testing::make_node_keys(dir, "hub");
  const std::string config = dir + "/hub.yaml";
  // ZeroMQ would bind port 70000 wrapped (to 4464) without a word.
  testing::write_file(config, "node: {name: hub}\n"
                              "security: {identity: " + hub.signing_key + ", transport: plaintext}\n"
                              "actors:\n"
                              "  - {name: matchmaker, kind: matchmaker}\n"
                              "  - name: gateway\n"
                              "    kind: gateway\n"
                              "    settings: {bind: 'tcp://127.0.0.1:70000'}\n");
  const cli_run run = run_cli({"node", "--config", config}, dir, "node.log");
  EXPECT_EQ(run.exit_status, 1) << run.output;
  EXPECT_TRUE(says(run, config + ":7: actors[1].settings.bind: 'tcp://127.0.0.1:70000' has port 70000, not a number "
                                 "in 1..65535"))
      << run.output;
}

// Every actor's settings are read before the first actor starts: a node whose third and fourth
// actors have bad values starts none (before, health and matchmaker started, the gateway failed, and the
// validator's error was never shown), and says what is wrong with each; `check-config` says the same
// without starting anything, and exits 0 for a valid config.
TEST(cli_config_edges, bad_settings_of_several_actors_are_all_listed_before_any_actor_starts) {
  const std::string dir = testing::make_temp_dir();
  const testing::node_keys own = testing::make_node_keys(dir, "checked");
  const std::string config = dir + "/checked.yaml";
  const std::string head = "node: {name: checked}\n"
                           "security: {identity: " + own.signing_key + ", transport: plaintext}\n"
                           "actors:\n"
                           "  - {name: health, kind: health}\n"
                           "  - {name: matchmaker, kind: matchmaker}\n";
  testing::write_file(config, head + "  - name: gateway\n"
                                     "    kind: gateway\n"
                                     "    settings: {bind: 'tcp://127.0.0.1:" + std::to_string(testing::free_tcp_port()) +
                                     "', max_in_flight: many}\n"
                                     "  - name: validator-1\n"
                                     "    kind: validator\n"
                                     "    settings: {model_path: model.gguf, audit_rate: 7}\n");
  const std::string gateway_error = "actor gateway (gateway): " + config + ":8: actors[2].settings.max_in_flight: expected an integer";
  const std::string validator_error = "actor validator-1 (validator): " + config + ":11: actors[3].settings.audit_rate: must be within 0..1";
  const cli_run node = run_cli({"node", "--config", config}, dir, "node.log");
  EXPECT_EQ(node.exit_status, 1) << node.output;
  EXPECT_TRUE(says(node, config + ": 2 errors:")) << node.output;
  EXPECT_TRUE(says(node, gateway_error)) << node.output;
  EXPECT_TRUE(says(node, validator_error)) << node.output;
  EXPECT_FALSE(says(node, "started actor")) << node.output;
  const cli_run check = run_cli({"check-config", "--config", config}, dir, "check.log");
  EXPECT_EQ(check.exit_status, 1) << check.output;
  EXPECT_TRUE(says(check, gateway_error)) << check.output;
  EXPECT_TRUE(says(check, validator_error)) << check.output;
  testing::write_file(config, head);
  const cli_run valid = run_cli({"check-config", "--config", config}, dir, "valid.log");
  EXPECT_EQ(valid.exit_status, 0) << valid.output;
  EXPECT_TRUE(says(valid, config + ": valid (node checked, 2 actors)")) << valid.output;
}

// Every error in the file is listed in one run, the node's own keys' and each actor's (before, the
// readers stopped at their first error: fixing a config took one run per error). Three in one actor's
// settings — an unknown key, a word for a number, a value out of range — and two at the top level.
TEST(cli_config_edges, every_error_of_a_config_is_listed_in_one_run) {
  const std::string dir = testing::make_temp_dir();
  const std::string config = dir + "/five.yaml";
  testing::write_file(config, "node: {name: five, bind: 'tcp://127.0.0.1:99999'}\n"
                              "limits: {drain_timeout_ms: -5}\n"
                              "actors:\n"
                              "  - name: matchmaker\n"
                              "    kind: matchmaker\n"
                              "    settings: {frobnicate: 1, max_jobs: lots, tick_ms: -1}\n");
  const std::string mm = "actor matchmaker (matchmaker): " + config + ":6: actors[0].settings.";
  const std::vector<std::string> errors = {
      config + ": 5 errors:",
      config + ":1: node.bind: 'tcp://127.0.0.1:99999' has port 99999",
      config + ":2: limits.drain_timeout_ms: must be positive",
      mm + "frobnicate: unknown key 'frobnicate'",
      mm + "max_jobs: expected an integer",
      mm + "tick_ms: must be > 0"};
  for (const char* command : {"check-config", "node"}) {
    const cli_run run = run_cli({command, "--config", config}, dir, std::string(command) + ".log");
    EXPECT_EQ(run.exit_status, 1) << run.output;
    for (const auto& error : errors) EXPECT_TRUE(says(run, error)) << command << ": " << error << "\n" << run.output;
    EXPECT_FALSE(says(run, "started actor")) << run.output;
  }
}

// A validator's chain_key without its chain_deployment is refused by check-config, which loads no model
// (before, only the validator's start said so, after loading its model).
TEST(cli_config_edges, check_config_refuses_a_chain_key_without_its_chain_deployment) {
  const std::string dir = testing::make_temp_dir();
  const std::string config = dir + "/slasher.yaml";
  const cli_run run = check_config_of(config, "node: {name: slasher}\n"
                                              "actors:\n"
                                              "  - {name: validator-1, kind: validator,\n"
                                              "     settings: {model_path: model.gguf, chain_key: validator.chainkey}}\n",
                                      dir);
  EXPECT_EQ(run.exit_status, 1) << run.output;
  EXPECT_TRUE(says(run, "actor validator-1 (validator): " + config + ":4: actors[0].settings.chain_key: chain_key and "
                        "chain_deployment go together"))
      << run.output;
}

// An HTTP bridge's owed_journal in a folder that does not exist is refused by check-config, which
// creates nothing (before, only the bridge's start said so); the journal's type is checked there too.
TEST(cli_config_edges, check_config_refuses_an_owed_journal_that_cannot_be_written) {
  const std::string dir = testing::make_temp_dir();
  const std::string config = dir + "/journal.yaml";
  const cli_run run = check_config_of(
      config, "node: {name: journal}\n"
              "actors:\n"
              "  - {name: http, kind: http_bridge,\n"
              "     settings: {listen: '127.0.0.1:8080', keys_file: keys.yaml, owed_journal: " + dir + "/missing/owed.journal}}\n"
              "  - {name: http2, kind: http_bridge,\n"
              "     settings: {listen: '127.0.0.1:8081', keys_file: keys.yaml, owed_journal: [a, b]}}\n",
      dir);
  EXPECT_EQ(run.exit_status, 1) << run.output;
  EXPECT_TRUE(says(run, "actor http (http_bridge): " + config + ":4: actors[0].settings.owed_journal: folder " + dir +
                        "/missing of " + dir + "/missing/owed.journal does not exist"))
      << run.output;
  EXPECT_TRUE(says(run, "actor http2 (http_bridge): " + config + ":6: actors[1].settings.owed_journal: expected a string"))
      << run.output;
  EXPECT_FALSE(std::filesystem::exists(dir + "/missing")) << "check-config created the journal's folder";
}

TEST(cli_config_edges, ping_with_the_config_of_a_node_bound_to_a_wildcard_reaches_it_on_loopback) {
  const std::string dir = testing::make_temp_dir();
  const testing::node_keys own = testing::make_node_keys(dir, "wild");
  const std::string config = dir + "/wild.yaml";
  testing::write_file(config, "node: {name: wild, bind: 'tcp://*:" + std::to_string(testing::free_tcp_port()) + "'}\n"
                              "security: {identity: " + own.signing_key + ", transport: plaintext}\n"
                              "actors:\n  - {name: health, kind: health}\n");
  child_process node({testing::infergrid_binary(), "node", "--config", config}, dir + "/node.log");
  ASSERT_TRUE(node.wait_for_log("started actor", seconds(20)).has_value()) << node.log();
  const cli_run run = run_cli({"ping", "--config", config, "--timeout-ms", "3000"}, dir, "ping.log");
  EXPECT_EQ(run.exit_status, 0) << run.output;
  EXPECT_TRUE(says(run, "wild at tcp://127.0.0.1:")) << run.output;
  EXPECT_TRUE(says(run, "wild/health answered")) << run.output;
}

TEST(cli_config_edges, ask_prints_no_prompt_when_the_request_fails) {
  const std::string dir = testing::make_temp_dir();
  const std::string nobody = "tcp://127.0.0.1:" + std::to_string(testing::free_tcp_port());
  const cli_run run = run_cli({"ask", "--endpoint", nobody, "--model", "m", "--timeout-ms", "500", "PROMPT-ECHO-MARK"},
                              dir, "ask.log");
  EXPECT_EQ(run.exit_status, 1) << run.output;
  EXPECT_TRUE(says(run, "infergrid ask: ")) << run.output;
  EXPECT_FALSE(says(run, "PROMPT-ECHO-MARK")) << run.output;
}

}  // namespace
}  // namespace infergrid

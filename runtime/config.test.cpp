// Node config: valid files parse; every error names the file, the line and the key.
#include <gtest/gtest.h>

#include "runtime/actor_kind_registry.hpp"
#include "runtime/config.hpp"

namespace infergrid {
namespace {

// A kind registered by this test binary, so configs have something to host.
struct config_probe_state {
  config_probe_state(actor_context&, const settings&) {}
  handler_table handlers() { return {}; }
};
IG_REGISTER_ACTOR_KIND("config_probe", config_probe_state);

void expect_error(const std::string& yaml, const std::vector<std::string>& fragments) {
  auto parsed = parse_config(yaml, "cluster.yaml");
  ASSERT_FALSE(parsed.ok()) << yaml;
  EXPECT_EQ(parsed.err().code, error_code::invalid_argument);
  for (const auto& fragment : fragments) {
    EXPECT_NE(parsed.err().message.find(fragment), std::string::npos)
        << "'" << fragment << "' not in: " << parsed.err().message;
  }
}

TEST(config, a_full_config_parses) {
  auto parsed = parse_config(R"(node:
  name: a
  bind: tcp://127.0.0.1:7401
  advertise: tcp://10.0.0.1:7401
limits:
  drain_timeout_ms: 100
  max_envelope_bytes: 1024
peers:
  - name: b
    endpoint: tcp://127.0.0.1:7402
    actors: [matchmaker, settlement]
actors:
  - name: probe
    kind: config_probe
    settings: {interval_ms: 5}
  - kind: config_probe
)",
                             "a.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.err().message;
  EXPECT_EQ(parsed->name, "a");
  EXPECT_EQ(parsed->bind, "tcp://127.0.0.1:7401");
  EXPECT_EQ(parsed->advertise, "tcp://10.0.0.1:7401");
  EXPECT_EQ(parsed->limits.drain_timeout_ms, 100);
  EXPECT_EQ(parsed->limits.max_envelope_bytes, 1024);
  ASSERT_EQ(parsed->peers.size(), 1u);
  EXPECT_EQ(parsed->peers[0].actors, (std::vector<std::string>{"matchmaker", "settlement"}));
  ASSERT_EQ(parsed->actors.size(), 2u);
  EXPECT_EQ(parsed->actors[1].name, "config_probe");  // the name defaults to the kind
  auto interval = parsed->actors[0].config.get<int>("interval_ms", 0);
  ASSERT_TRUE(interval.ok());
  EXPECT_EQ(*interval, 5);
  auto wrong = parsed->actors[0].config.get<std::string>("missing", "fallback");
  EXPECT_EQ(*wrong, "fallback");
}

TEST(config, a_missing_key_names_file_line_and_key) {
  expect_error("node:\n  bind: tcp://127.0.0.1:1\nactors: []\n", {"cluster.yaml:2", "missing key 'node.name'"});
  expect_error("node: {name: a}\n", {"cluster.yaml:1", "missing key 'actors'"});
  expect_error("node: {name: a}\nactors:\n  - name: x\n", {"cluster.yaml:3", "actors[0].kind"});
}

TEST(config, a_wrong_type_names_file_line_and_key) {
  expect_error("node: {name: a}\nlimits:\n  drain_timeout_ms: soon\nactors: []\n",
               {"cluster.yaml:3", "limits.drain_timeout_ms", "expected an integer"});
  expect_error("node: {name: a}\nactors: {health: 1}\n", {"cluster.yaml:2", "actors", "expected a list"});
  expect_error("node: {name: a}\npeers:\n  - name: b\n    endpoint: tcp://x:1\n    actors: 3\nactors: []\n",
               {"cluster.yaml:5", "peers[0].actors", "a list of strings"});
}

TEST(config, an_unknown_actor_kind_names_it_and_the_known_ones) {
  expect_error("node: {name: a}\nactors:\n  - name: w\n    kind: warp_drive\n",
               {"cluster.yaml:4", "actors[0].kind", "unknown actor kind 'warp_drive'", "config_probe"});
}

TEST(config, typos_and_bad_values_are_rejected) {
  expect_error("node: {name: a}\nactor: []\n", {"cluster.yaml:2", "unknown key 'actor'"});
  expect_error("node: {name: 'a/b'}\nactors: []\n", {"node.name", "not a valid name"});
  expect_error("node: {name: a, bind: 'ipc://x'}\nactors: []\n", {"node.bind", "tcp://"});
  expect_error("node: {name: a}\nactors:\n  - {kind: config_probe}\n  - {kind: config_probe}\n",
               {"cluster.yaml:4", "duplicate actor name"});
  expect_error("node: {name: a}\nactors: [\n", {"cluster.yaml", "YAML syntax error"});
  expect_error("node: {name: a}\nlimits: {drain_timeout_ms: -5}\nactors: []\n", {"must be positive"});
}

TEST(config, a_missing_file_is_not_found) {
  auto parsed = load_config_file("/nonexistent/grid.yaml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.err().code, error_code::not_found);
  EXPECT_NE(parsed.err().message.find("/nonexistent/grid.yaml"), std::string::npos);
}

}  // namespace
}  // namespace infergrid

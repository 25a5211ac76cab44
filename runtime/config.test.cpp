// Node config: valid files parse; every error names the file, the line and the key.
#include <gtest/gtest.h>

#include "runtime/actor_kind_registry.hpp"
#include "runtime/config.hpp"
#include "runtime/yaml_duplicate_keys.hpp"

namespace infergrid {
namespace {

// A kind registered by this test binary, so configs have something to host.
struct config_probe_state {
  config_probe_state(actor_context&, const settings&) {}
  static status read_settings(const settings&) { return {}; }
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

// A mapping that takes no keys (the health actor's settings) says so, instead of "(expected one of: )".
TEST(config, an_unknown_key_where_none_is_taken_says_the_mapping_takes_none) {
  const settings none(YAML::Load("{interval_ms: 5}"), "node.yaml", "actors[0].settings");
  const status refused = none.reject_unknown_keys({});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.err().message,
            "node.yaml:1: actors[0].settings.interval_ms: unknown key 'interval_ms' (this mapping takes no keys)");
}

// The per-IP connection cap of the tcp port (runtime/tcp_port_monitor.hpp): loopback exempt by
// default, exempt addresses and ranges kept in one canonical form, and a malformed one named.
TEST(config, the_connection_cap_has_defaults_and_refuses_what_is_no_ip_address_or_range) {
  auto defaults = parse_config("node: {name: a}\nactors: []\n", "cluster.yaml");
  ASSERT_TRUE(defaults.ok()) << defaults.err().message;
  EXPECT_EQ(defaults->security.max_connections_per_ip, 64);
  EXPECT_EQ(defaults->security.connection_cap_exempt, (std::vector<std::string>{"127.0.0.1", "::1"}));
  auto set = parse_config("node: {name: a}\nsecurity: {max_connections_per_ip: 0, connection_cap_exempt: ['10.0.0.7', "
                          "'0:0::0001', 'FD00::2', 10.0.0.0/8, 'FD00::/8', '::ffff:192.168.0.0/112']}\nactors: []\n",
                          "cluster.yaml");
  ASSERT_TRUE(set.ok()) << set.err().message;
  EXPECT_EQ(set->security.max_connections_per_ip, 0);
  EXPECT_EQ(set->security.connection_cap_exempt, (std::vector<std::string>{"10.0.0.7", "::1", "fd00::2", "10.0.0.0/8", "fd00::/8", "192.168.0.0/16"}));
  expect_error("node: {name: a}\nsecurity: {connection_cap_exempt: [localhost]}\nactors: []\n",
               {"cluster.yaml:2", "security.connection_cap_exempt", "'localhost' is not a numeric IPv4 or IPv6 address"});
  expect_error("node: {name: a}\nsecurity: {connection_cap_exempt: [10.0.0.0/40]}\nactors: []\n",
               {"cluster.yaml:2", "security.connection_cap_exempt", "'10.0.0.0/40': the prefix length must be 0-32 for IPv4"});
  expect_error("node: {name: a}\nsecurity: {connection_cap_exempt: ['fd00::1/8']}\nactors: []\n",
               {"security.connection_cap_exempt", "'fd00::1/8' has bits set past its /8 (did you mean fd00::/8?)"});
  expect_error("node: {name: a}\nsecurity: {max_connections_per_ip: -1}\nactors: []\n",
               {"max_connections_per_ip", "must be 0 (no cap) or positive"});
}

// The tcp port's other caps and its ZMTP timers (runtime/connection_timers.hpp): defaults, and a
// value out of range named.
TEST(config, the_port_caps_and_timers_have_defaults_and_refuse_values_out_of_range) {
  auto defaults = parse_config("node: {name: a}\nactors: []\n", "cluster.yaml");
  ASSERT_TRUE(defaults.ok()) << defaults.err().message;
  EXPECT_EQ(defaults->security.max_connections, 4096);
  EXPECT_EQ(defaults->security.max_pending_handshakes_per_ip, 8);
  EXPECT_EQ(defaults->security.max_unread_bytes_per_ip, 64 << 20);
  EXPECT_EQ(defaults->security.handshake_timeout_ms, 10000);
  EXPECT_EQ(defaults->security.heartbeat_ms, 10000);
  EXPECT_EQ(defaults->security.heartbeat_timeout_ms, 30000);
  auto set = parse_config("node: {name: a}\nsecurity: {max_connections: 0, max_pending_handshakes_per_ip: 0, "
                          "handshake_timeout_ms: 500, heartbeat_ms: 0, heartbeat_timeout_ms: 6553500}\nactors: []\n",
                          "cluster.yaml");
  ASSERT_TRUE(set.ok()) << set.err().message;
  EXPECT_EQ(set->security.max_connections, 0);
  EXPECT_EQ(set->security.max_pending_handshakes_per_ip, 0);
  EXPECT_EQ(set->security.handshake_timeout_ms, 500);
  EXPECT_EQ(set->security.heartbeat_ms, 0);
  EXPECT_EQ(set->security.heartbeat_timeout_ms, 6553500);
  expect_error("node: {name: a}\nsecurity: {max_connections: -1}\nactors: []\n",
               {"security.max_connections", "must be 0 (no cap) or positive"});
  expect_error("node: {name: a}\nsecurity: {handshake_timeout_ms: 0}\nactors: []\n",
               {"security.handshake_timeout_ms", "must be positive"});
  expect_error("node: {name: a}\nsecurity: {heartbeat_ms: -5}\nactors: []\n",
               {"security.heartbeat_ms", "must be 0 (off) or positive"});
  expect_error("node: {name: a}\nsecurity: {heartbeat_timeout_ms: 6553600}\nactors: []\n",
               {"security.heartbeat_timeout_ms", "must be at most 6553500"});
  // The unread-bytes cap holds at least one frame of the largest size (unread_bytes_watch.hpp).
  auto unread = parse_config("node: {name: a}\nsecurity: {max_unread_bytes_per_ip: 0}\nactors: []\n", "cluster.yaml");
  ASSERT_TRUE(unread.ok()) << unread.err().message;
  EXPECT_EQ(unread->security.max_unread_bytes_per_ip, 0);
  expect_error("node: {name: a}\nsecurity: {max_unread_bytes_per_ip: 1000000}\nactors: []\n",
               {"security.max_unread_bytes_per_ip", "at least limits.max_envelope_bytes + 4096 (16781312)"});
  expect_error("node: {name: a}\nlimits: {max_envelope_bytes: 100000000}\nactors: []\n",
               {"limits.max_envelope_bytes", "security.max_unread_bytes_per_ip (67108864) must be 0 (no cap)"});
}

// yaml-cpp keeps the first of two equal keys: a second actors list or `slots: 300` was ignored.
TEST(config, a_key_given_twice_in_one_mapping_names_its_line_path_and_first_line) {
  expect_error("node: {name: a}\nactors: [{kind: config_probe}]\nactors: [{kind: config_probe, name: second}]\n",
               {"cluster.yaml:3: actors: duplicate key (first at line 2)"});
  expect_error("node: {name: a}\nactors:\n  - kind: config_probe\n    settings: {slots: 2, slots: 300}\n",
               {"cluster.yaml:4: actors[0].settings.slots: duplicate key (first at line 4)"});
  expect_error("node:\n  name: a\n  bind: tcp://127.0.0.1:7400\n  name: b\nactors: []\n",
               {"cluster.yaml:4: node.name: duplicate key (first at line 2)"});
  auto same_key_in_two_mappings = parse_config(
      "node: {name: a}\nactors:\n  - {kind: config_probe, name: x}\n  - {kind: config_probe, name: y}\n", "cluster.yaml");
  EXPECT_TRUE(same_key_in_two_mappings.ok()) << same_key_in_two_mappings.err().message;
  auto alias_used_twice = parse_config(
      "node: {name: a}\nactors:\n  - {kind: config_probe, name: x, settings: &s {p: 1}}\n"
      "  - {kind: config_probe, name: y, settings: *s}\n",
      "cluster.yaml");
  EXPECT_TRUE(alias_used_twice.ok()) << alias_used_twice.err().message;
}

TEST(config, nesting_beyond_the_limit_is_refused_not_walked) {
  std::string deep = "x";
  for (int i = 0; i <= yaml_max_depth; ++i) deep = "[" + deep + "]";
  expect_error("node: {name: a}\nactors: []\nlimits: " + deep + "\n", {"cluster.yaml:3", "nested deeper than"});
}

// Only the tcp:// prefix was checked: port 99999 bound a wrapped port, a peer without one loaded.
TEST(config, an_endpoint_needs_a_host_and_a_port_in_range) {
  expect_error("node: {name: a, bind: 'tcp://127.0.0.1:99999'}\nactors: []\n",
               {"cluster.yaml:1: node.bind", "has port 99999, not a number in 1..65535"});
  expect_error("node: {name: a, bind: 'tcp://127.0.0.1:0'}\nactors: []\n", {"node.bind", "has port 0"});
  expect_error("node: {name: a, bind: 'tcp://:7400'}\nactors: []\n", {"node.bind", "has no host"});
  expect_error("node: {name: a, advertise: 'tcp://*:7400'}\nactors: []\n", {"node.advertise", "only a bind may"});
  expect_error("node: {name: a, advertise: 'tcp://10.0.0.1'}\nactors: []\n", {"node.advertise", "has no port"});
  expect_error("node: {name: a}\npeers:\n  - {name: b, endpoint: 'tcp://host'}\nactors: []\n",
               {"cluster.yaml:3: peers[0].endpoint", "'tcp://host' has no port"});
  expect_error("node: {name: a}\npeers:\n  - {name: b, endpoint: 'tcp://host:*'}\nactors: []\n",
               {"peers[0].endpoint", "only a bind may"});
  expect_error("node: {name: a}\npeers:\n  - {name: b, endpoint: 'tcp://host:74x'}\nactors: []\n",
               {"peers[0].endpoint", "has port 74x"});
  expect_error("node: {name: a}\npeers:\n  - {name: b, endpoint: 'tcp://[::1]'}\nactors: []\n",
               {"peers[0].endpoint", "has no port"});
}

TEST(config, the_endpoint_forms_deploy_configs_use_are_accepted) {
  for (const char* bind : {"tcp://127.0.0.1:*", "tcp://0.0.0.0:7401", "tcp://*:7400", "tcp://[::1]:65535", "tcp://eth0:1"}) {
    auto parsed = parse_config(std::string("node: {name: a, bind: '") + bind +
                                   "', advertise: 'tcp://10.0.0.1:7401'}\npeers:\n  - {name: b, endpoint: "
                                   "'tcp://hub.example:7501'}\nactors: []\n",
                               "cluster.yaml");
    EXPECT_TRUE(parsed.ok()) << bind << ": " << parsed.err().message;
  }
}

TEST(config, a_missing_file_is_not_found) {
  auto parsed = load_config_file("/nonexistent/grid.yaml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.err().code, error_code::not_found);
  EXPECT_NE(parsed.err().message.find("/nonexistent/grid.yaml"), std::string::npos);
}

}  // namespace
}  // namespace infergrid

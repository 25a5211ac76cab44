// What `infergrid ping` says when its call gets no reply (actors/cli/link_probe.hpp): nothing
// listening, a wrong --server-key, a key the node does not admit, a plaintext client of a curve
// node, a wrong node name (the node names itself) and an endpoint that handshakes but stays silent
// each read differently, against a real `infergrid node` process. (They all read "no reply from
// n1/health within N ms" before.)
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "runtime/curve_keys.hpp"
#include "tests/child_process.hpp"
#include "tests/support/child_node.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/node_keys.hpp"

namespace infergrid {
namespace {

using testing::child_node;
using testing::child_process;

constexpr const char* timeout_ms = "1000";

struct cli_run {
  int exit_status = -1;
  std::string output;
};

cli_run ping(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {testing::infergrid_binary(), "ping"});
  arguments.insert(arguments.end(), {"--timeout-ms", timeout_ms});
  child_process cli(arguments, testing::make_temp_dir() + "/ping.log");
  const auto status = cli.wait_exit(std::chrono::seconds(30));
  return {status.value_or(-1), cli.log()};
}

bool says(const cli_run& run, const std::string& text) { return run.output.find(text) != std::string::npos; }

// A node under curve that lets any transport key in: only the server key decides the handshake.
child_node open_node(const std::string& name) {
  return child_node(name, "", "{transport: curve, admit: open, transport_key: '$TRANSPORT_KEY'}");
}

TEST(cli_link_diagnosis, a_node_that_is_not_running_reads_nothing_listening) {
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(testing::free_tcp_port());
  const cli_run run = ping({"--endpoint", endpoint, "--node", "n1"});
  EXPECT_EQ(run.exit_status, 1) << run.output;
  EXPECT_TRUE(says(run, "nothing listening at " + endpoint + ": is the node running?")) << run.output;
}

TEST(cli_link_diagnosis, a_wrong_server_key_reads_a_failed_encryption_handshake) {
  child_node node = open_node("link-wrong-key");
  ASSERT_TRUE(node.ready) << node.process->log();
  const cli_run run =
      ping({"--endpoint", node.endpoint, "--node", node.name, "--server-key", generate_curve_keypair()->public_z85});
  EXPECT_EQ(run.exit_status, 1) << run.output;
  EXPECT_TRUE(says(run, "connected to " + node.endpoint + " but the encryption handshake failed: check --server-key"))
      << run.output;
}

TEST(cli_link_diagnosis, a_key_the_node_does_not_admit_reads_refused_transport_key) {
  child_node node("link-allowlist", generate_curve_keypair()->public_z85);  // admits another key only
  ASSERT_TRUE(node.ready) << node.process->log();
  const cli_run run = ping({"--endpoint", node.endpoint, "--node", node.name, "--server-key", node.keys.transport_pub});
  EXPECT_EQ(run.exit_status, 1) << run.output;
  EXPECT_TRUE(says(run, "the node refused this client's transport key: pass --transport-key")) << run.output;
}

TEST(cli_link_diagnosis, a_plaintext_client_of_a_curve_node_is_told_to_pass_the_server_key) {
  child_node node = open_node("link-plaintext");
  ASSERT_TRUE(node.ready) << node.process->log();
  const cli_run run = ping({"--endpoint", node.endpoint, "--node", node.name});
  EXPECT_EQ(run.exit_status, 1) << run.output;
  EXPECT_TRUE(says(run, "connected to " + node.endpoint + " but the handshake failed")) << run.output;
  EXPECT_TRUE(says(run, "--server-key")) << run.output;
}

TEST(cli_link_diagnosis, a_wrong_node_name_is_named_by_the_node) {
  child_node node = open_node("link-name");
  ASSERT_TRUE(node.ready) << node.process->log();
  const cli_run run = ping({"--endpoint", node.endpoint, "--node", "not-" + node.name, "--server-key", node.keys.transport_pub});
  EXPECT_EQ(run.exit_status, 1) << run.output;
  EXPECT_TRUE(says(run, "refused by node " + node.name + ": this is node " + node.name + ", not 'not-" + node.name + "'"))
      << run.output;
}

// Something that completes the ZeroMQ handshake but never answers (here a bare ROUTER socket of
// this test; a node whose actor hangs looks the same): the link is fine, the silence is above it.
TEST(cli_link_diagnosis, a_silent_endpoint_reads_handshook_but_no_reply) {
  zmq::context_t context;
  zmq::socket_t silent(context, zmq::socket_type::router);
  silent.set(zmq::sockopt::linger, 0);
  silent.bind("tcp://127.0.0.1:*");
  const std::string endpoint = silent.get(zmq::sockopt::last_endpoint);
  const cli_run run = ping({"--endpoint", endpoint, "--node", "quiet"});
  EXPECT_EQ(run.exit_status, 1) << run.output;
  EXPECT_TRUE(says(run, "connected to " + endpoint + " and handshook, but no reply from quiet/health within " +
                            std::string(timeout_ms) + " ms: is the name right"))
      << run.output;
}

TEST(cli_link_diagnosis, a_wrong_actor_name_is_named_by_the_node_and_the_right_one_answers) {
  child_node node = open_node("link-actor");
  ASSERT_TRUE(node.ready) << node.process->log();
  const cli_run wrong =
      ping({"--endpoint", node.endpoint, "--node", node.name, "--server-key", node.keys.transport_pub, "--actor", "nope"});
  EXPECT_EQ(wrong.exit_status, 1) << wrong.output;
  EXPECT_TRUE(says(wrong, "node " + node.name + " has no actor 'nope'")) << wrong.output;
  const cli_run right = ping({"--endpoint", node.endpoint, "--node", node.name, "--server-key", node.keys.transport_pub});
  EXPECT_EQ(right.exit_status, 0) << right.output;
  EXPECT_TRUE(says(right, node.name + "/health answered")) << right.output;
}

// Whether this machine can bind IPv6 loopback at all (some containers turn IPv6 off).
bool ipv6_loopback_available() {
  const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_addr = in6addr_loopback;
  const bool bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return bound;
}

// A node bound on an IPv6 address (the configs take IPv6 hosts in brackets) serves and answers over
// it: under curve, `ping` handshakes with it there and its health actor answers. Before, ZeroMQ
// resolved every endpoint as IPv4 (no ZMQ_IPV6 on our sockets) and the node did not start:
// "cannot bind tcp://[::1]:…: No such device".
TEST(cli_link_diagnosis, a_node_bound_on_an_ipv6_address_answers_over_it) {
  if (!ipv6_loopback_available()) GTEST_SKIP() << "this machine cannot bind ::1";
  child_node node("link-v6", "", "{transport: curve, admit: open, transport_key: '$TRANSPORT_KEY'}", "[::1]");
  ASSERT_TRUE(node.ready) << node.process->log();
  EXPECT_EQ(node.endpoint.rfind("tcp://[::1]:", 0), 0u) << node.endpoint;
  const cli_run run = ping({"--endpoint", node.endpoint, "--node", node.name, "--server-key", node.keys.transport_pub});
  EXPECT_EQ(run.exit_status, 0) << run.output;
  EXPECT_TRUE(says(run, node.name + "/health answered")) << run.output;
}

// The CLI's own node listens for the reply on IPv6 when the node it reaches is IPv6
// (actors/cli/reply_address.hpp): a node on another host that has only IPv6 could not answer a
// reply address of 127.0.0.1 (tests/netns/ipv6_hosts.sh shows that across hosts). Before, every
// CLI listened on IPv4: 'listening on tcp://127.0.0.1:…'.
TEST(cli_link_diagnosis, a_cli_reaching_an_ipv6_node_listens_for_its_reply_on_ipv6) {
  if (!ipv6_loopback_available()) GTEST_SKIP() << "this machine cannot bind ::1";
  child_node node("link-v6-reply", "", "{transport: curve, admit: open, transport_key: '$TRANSPORT_KEY'}", "[::1]");
  ASSERT_TRUE(node.ready) << node.process->log();
  const cli_run run = ping({"--endpoint", node.endpoint, "--node", node.name, "--server-key", node.keys.transport_pub,
                            "--log-level", "info"});  // the CLI node's "listening on" line is an info line
  EXPECT_EQ(run.exit_status, 0) << run.output;
  EXPECT_TRUE(says(run, "listening on tcp://[::1]:")) << run.output;
  EXPECT_TRUE(says(run, node.name + "/health answered")) << run.output;
}

// `infergrid status --config` of a hub node (a real process, plaintext, with a matchmaker) whose
// config lists `ledger_node` at `ledger_endpoint` for settlement.
cli_run status_of_hub_with_ledger(const std::string& ledger_node, const std::string& ledger_endpoint) {
  const std::string dir = testing::make_temp_dir();
  const testing::node_keys hub = testing::make_node_keys(dir, "hub");
  const std::string hub_endpoint = "tcp://127.0.0.1:" + std::to_string(testing::free_tcp_port());
  const std::string config = dir + "/hub.yaml";
  testing::write_file(config, "node: {name: hub, bind: " + hub_endpoint + "}\n"
                              "security: {identity: " + hub.signing_key + ", transport: plaintext}\n"
                              "peers:\n  - {name: " + ledger_node + ", endpoint: " + ledger_endpoint +
                              ", actors: [settlement]}\n"
                              "actors:\n  - {name: matchmaker, kind: matchmaker}\n");
  child_process node({testing::infergrid_binary(), "node", "--config", config}, dir + "/hub.log");
  if (!node.wait_for_log("started actor", std::chrono::seconds(20)).has_value()) return {-1, "hub: " + node.log()};
  child_process cli({testing::infergrid_binary(), "status", "--config", config, "--timeout-ms", timeout_ms},
                    dir + "/status.log");
  return {cli.wait_exit(std::chrono::seconds(30)).value_or(-1), cli.log()};
}

// `infergrid status` of a split layout whose ledger node is down: the grid is drawn, and the ledger
// line says why settlement did not answer, in the words `ping` uses (it said only "not reachable
// at ledger/settlement: <the call's timeout>" before).
TEST(cli_link_diagnosis, status_explains_a_silent_ledger) {
  const std::string ledger_endpoint = "tcp://127.0.0.1:" + std::to_string(testing::free_tcp_port());
  const cli_run run = status_of_hub_with_ledger("ledger", ledger_endpoint);
  EXPECT_EQ(run.exit_status, 0) << run.output;
  EXPECT_TRUE(says(run, "matchmaker answered in")) << run.output;
  EXPECT_TRUE(says(run, "ledger: not reached: ledger/settlement: nothing listening at " + ledger_endpoint +
                            ": is the node running?"))
      << run.output;
}

// `infergrid status` of a split layout whose ledger node runs without a settlement actor: the node
// answers, so the ledger line quotes its refusal and does not call it unreached (it read "ledger:
// not reached: ledger/settlement: refused by node …" before).
TEST(cli_link_diagnosis, status_quotes_a_ledger_node_that_answers_with_a_refusal) {
  child_node ledger("ledger-without-settlement", "", "{transport: plaintext}");
  ASSERT_TRUE(ledger.ready) << ledger.process->log();
  const cli_run run = status_of_hub_with_ledger(ledger.name, ledger.endpoint);
  EXPECT_EQ(run.exit_status, 0) << run.output;
  EXPECT_TRUE(says(run, "matchmaker answered in")) << run.output;
  EXPECT_TRUE(says(run, "ledger: " + ledger.name + "/settlement: refused by node " + ledger.name + ": node " + ledger.name +
                            " has no actor 'settlement'"))
      << run.output;
  EXPECT_FALSE(says(run, "not reached")) << run.output;
}

}  // namespace
}  // namespace infergrid

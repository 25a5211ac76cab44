#include "actors/cli/node_client.hpp"

#include "actors/cli/link_probe.hpp"
#include "actors/cli/reply_address.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "runtime/curve_keys.hpp"
#include "runtime/serve.hpp"
#include "runtime/tcp_endpoint.hpp"

namespace infergrid::cli {

result<connected_node> connect_to_node(const node_target& target, const std::string& self_name) {
  std::string target_node = target.node_name;
  std::string endpoint = target.endpoint;
  node_config self;
  self.source = "<" + self_name + ">";
  self.name = self_name + "-" + std::to_string(::getpid());
  self.security.transport = transport_mode::plaintext;
  self.security.identity_path = target.identity;
  std::string target_transport_key;
  std::vector<peer_config> config_peers;
  if (!target.server_key.empty()) {
    // A node reached by --endpoint under curve: its public key, and ours (an admitted one, or a
    // fresh key that only a permissionless node lets in).
    self.security.transport = transport_mode::curve;
    target_transport_key = target.server_key;
    self.security.transport_key_path = target.transport_key;
  }
  if (endpoint.empty() || target_node.empty() || (target.server_key.empty() && !target.config.empty())) {
    auto config = load_config_file(target.config.empty() ? default_config_path() : target.config);
    if (!config.ok()) return config.err();
    if (target_node.empty()) target_node = config->name;
    for (const auto& peer : config->peers) {
      if (peer.name != target_node && !peer.endpoint.empty()) config_peers.push_back(peer);
    }
    if (endpoint.empty() && !config->advertise.empty()) endpoint = config->advertise;
    if (endpoint.empty() && !config->bind.empty()) {
      // A wildcard bind (tcp://*:7400, 0.0.0.0) is reached on loopback, as the node itself does.
      auto local = local_endpoint_of_bind(config->bind);
      if (!local.ok()) return make_error(error_code::invalid_argument, config->source + ": node.bind: " + local.err().message +
                                                                           ": pass --endpoint");
      endpoint = *local;
    }
    if (endpoint.empty()) return make_error(error_code::invalid_argument, config->source + ": node has no tcp bind to reach");
    if (target.server_key.empty() && config->security.transport == transport_mode::curve) {
      // Its own operator's tool: the node's transport key is on this host, and a node admits itself.
      auto own = load_curve_secret(config->security.transport_key_path);
      if (!own.ok()) return make_error(own.err().code, config->source + ": security.transport_key: " + own.err().message);
      self.security.transport = transport_mode::curve;
      self.security.transport_key_path = config->security.transport_key_path;
      target_transport_key = own->public_z85;
    }
  }
  if (self.security.transport == transport_mode::curve && self.security.transport_key_path.empty()) {
    auto fresh = generate_curve_keypair();
    if (!fresh.ok()) return fresh.err();
    self.security.transport_key_secret = fresh->secret_z85;
  }
  self.bind = reply_bind_towards(endpoint);  // where the target can send its replies
  self.peers.push_back(peer_config{target_node, endpoint, {}, std::nullopt, target_transport_key});
  for (const auto& peer : config_peers) self.peers.push_back(peer);  // e.g. a settlement node of a split layout
  auto client = node::create(std::move(self));
  if (!client.ok()) return client.err();
  return connected_node{std::move(*client), target_node, endpoint, std::move(config_peers), target_transport_key};
}

namespace {

// Where `address` ("node/actor") lives: the reached node, or one of the config's peers.
struct reached_at {
  std::string endpoint;
  std::string server_key;
};

reached_at where_is(const connected_node& connected, const std::string& address) {
  const std::string node_name = address.substr(0, address.find('/'));
  for (const auto& peer : connected.peers) {
    if (peer.name == node_name) return {peer.endpoint, peer.transport_key};
  }
  return {connected.endpoint, connected.server_key};
}

// How long the probe of a silent link waits for the handshake's outcome (a loopback or LAN handshake
// takes milliseconds; a slower link shows as "no tcp connection").
constexpr std::int64_t link_probe_wait_ms_max = 2000;

struct outcome_wording {
  link_outcome outcome;
  const char* text;  // fmt: {endpoint}, {address}, {timeout_ms}, {detail}, {encryption}
};

constexpr outcome_wording wordings[] = {
    {link_outcome::nothing_listening, "nothing listening at {endpoint}: is the node running?"},
    {link_outcome::not_connected, "no tcp connection to {endpoint} ({detail}): is the host reachable and the port open?"},
    {link_outcome::handshake_failed, "connected to {endpoint} but the {encryption}handshake failed"},
    {link_outcome::key_not_admitted,
     "connected to {endpoint} but the node refused this client's transport key: pass --transport-key with a key it "
     "admits (a fresh key passes only a node with `admit: open`)"},
    {link_outcome::handshook,
     "connected to {endpoint} and handshook, but no reply from {address} within {timeout_ms} ms: is the name right "
     "(--node, and the actor's)?"},
};

const char* wording_of(link_outcome outcome) {
  for (const auto& row : wordings) {
    if (row.outcome == outcome) return row.text;
  }
  return "no reply from {address} within {timeout_ms} ms";
}

}  // namespace

error explain_failure(const connected_node& connected, const std::string& address, const error& failure,
                      std::int64_t timeout_ms) {
  if (failure.code != error_code::timeout) return make_error(failure.code, address + ": " + failure.message);
  const reached_at at = where_is(connected, address);
  const transport_credentials& own = connected.client->transport();
  std::string server_key;
  if (own.curve()) {
    auto parsed = parse_curve_public(at.server_key);
    if (!parsed.ok()) return make_error(failure.code, address + ": " + failure.message);
    server_key = *parsed;
  }
  const auto wait = std::chrono::milliseconds(std::min(timeout_ms, link_probe_wait_ms_max));
  const link_report seen = probe_link(at.endpoint, own, server_key, wait);
  std::string why = fmt::format(fmt::runtime(wording_of(seen.outcome)), fmt::arg("endpoint", at.endpoint),
                                fmt::arg("address", address), fmt::arg("timeout_ms", timeout_ms),
                                fmt::arg("detail", seen.detail), fmt::arg("encryption", own.curve() ? "encryption " : ""));
  if (seen.mechanism_mismatch) {
    why += own.curve() ? ": the node does not speak CurveZMQ (leave out --server-key)"
                       : ": the node speaks CurveZMQ (pass --server-key with its transport.pub)";
  } else if (seen.outcome == link_outcome::handshake_failed) {
    why += own.curve() ? ": check --server-key (the node's transport.pub)"
                       : ": if the node uses CurveZMQ, pass --server-key with its transport.pub";
  }
  return make_error(failure.code, address + ": " + why);
}

}  // namespace infergrid::cli

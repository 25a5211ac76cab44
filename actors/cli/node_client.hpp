#pragma once
// node_client: a short-lived node in a CLI process that reaches one running node over tcp — the
// node named by --node/--endpoint, or by a config file's name and bind (default
// deploy/all-in-one.yaml). `infergrid ping` and `infergrid trace` use it.
#include <memory>
#include <string>
#include <vector>

#include "runtime/config.hpp"
#include "runtime/node.hpp"
#include "runtime/result.hpp"

namespace infergrid::cli {

struct node_target {
  std::string config;     // "" = the default config
  std::string endpoint;   // overrides the config's bind
  std::string node_name;  // overrides the config's name
  // CurveZMQ for a node reached by --endpoint: its public key (Z85 or transport.pub), and the key
  // to connect with (a transport.key; "" = a fresh one). Without them the config's transport applies.
  std::string server_key;
  std::string transport_key;
  // The signing key to send with (a key file; "" = a fresh key, which holds only `anyone` authority):
  // one the node lists under security.coordinators/operators reads account data.
  std::string identity;
};

struct connected_node {
  std::unique_ptr<node> client;
  std::string target_node;  // the reached node's name: address its actors as "<name>/<actor>"
  std::string endpoint;
  std::vector<peer_config> peers;  // the config's peers, reachable too (actor_address.hpp)
  std::string server_key;          // the reached node's CurveZMQ public key (Z85 or a .pub path; "" = plaintext)
};

result<connected_node> connect_to_node(const node_target& target, const std::string& self_name);

// The error to show for a call to `address` that failed with `failure`. A timeout says what the
// link can tell (link_probe.hpp): nothing listening at the endpoint, a handshake that failed (a
// wrong --server-key) or refused this client's key, or a node that handshook but stayed silent (a
// wrong node or actor name). Any other error comes back as "<address>: <message>".
error explain_failure(const connected_node& connected, const std::string& address, const error& failure,
                      std::int64_t timeout_ms);

}  // namespace infergrid::cli

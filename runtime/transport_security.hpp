#pragma once
// transport_security: what a node's tcp sockets use, resolved from its config when it starts —
// plaintext, or CurveZMQ with this node's transport key, its peers' public keys, and the keys its
// ZAP handler admits (runtime/zap_handler.hpp). Under curve every tcp socket of the node is
// encrypted: its ROUTER is a CURVE server, each DEALER to a peer a CURVE client that knows the
// peer's public key (configured, or learned from the key that peer authenticated with).
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/config.hpp"
#include "runtime/curve_keys.hpp"
#include "runtime/result.hpp"

namespace infergrid {

std::string_view to_string(transport_mode mode);

struct transport_credentials {
  transport_mode mode = transport_mode::plaintext;
  curve_keypair own;  // empty under plaintext
  bool curve() const { return mode == transport_mode::curve; }
};

// Who the ZAP handler lets complete a CURVE handshake.
struct transport_admission {
  bool admit_any = false;      // `admit: open` (permissionless): any key; the stake gate decides later
  std::set<std::string> keys;  // Z85 public keys: transport_members, configured peers, this node itself
};

struct resolved_transport {
  transport_credentials credentials;
  transport_admission admission;
  std::vector<std::string> peer_keys;  // Z85, one per config.peers entry ("" under plaintext)
};

// Loads the key files a config names; a clear error when curve is selected but a key is missing
// or malformed. A node without tcp (no bind, no peers) needs no keys.
result<resolved_transport> resolve_transport(const node_config& config);

}  // namespace infergrid

#pragma once
// security_config: a node's `security:` section — the key it signs with, how envelopes arriving
// over tcp are checked, and which keys hold which authority (messages/authority.hpp).
//
//   security:
//     identity: keys/node/signing.key   # `infergrid keygen` output; none = a fresh key each start
//     signatures: required              # required (default) | off: neither signs nor checks (a trusted
//                                       # network only; every node of it must say off)
//     admit: allowlist                  # allowlist (default) | open (permissionless: any key is a member)
//     members: [keys/miner-1/signing.pub, 3b6a...]   # keys admitted as members (hex or .pub file)
//     coordinators: [keys/hub/signing.pub]          # gateways, bridges, matchmakers
//     operators: [keys/operator/signing.pub]        # deposits, epochs, stake for others
//     replay_window_ms: 60000           # envelopes sent longer ago (or ahead) than this are refused
//     pin_idle_ms: 120000               # a first-seen key pin (address or route) lapses after this silence
//     transport: curve                  # curve (default): CurveZMQ on every tcp socket | plaintext
//     transport_key: keys/node/transport.key         # Curve25519 secret (Z85); required under curve
//     transport_members: [keys/miner-1/transport.pub] # transport keys the ZAP handler admits (allowlist)
//     max_connections_per_ip: 64        # tcp connections one client (IPv4 address, IPv6 /64) may hold (0: no cap)
//     connection_cap_exempt: [127.0.0.1, '::1', 10.0.0.0/8]  # clients never capped (default: loopback)
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/identity.hpp"
#include "runtime/result.hpp"
#include "runtime/settings.hpp"

namespace infergrid {

enum class transport_mode { curve, plaintext };

struct security_config {
  std::string identity_path;       // signing key (hex seed); empty = a fresh key for this run
  bool require_signatures = true;  // `signatures: off` accepts unsigned envelopes as trusted
  bool open_admission = false;     // `admit: open`: every valid signature is a member
  std::vector<public_key> members;
  std::vector<public_key> coordinators;
  std::vector<public_key> operators;
  std::int64_t replay_window_ms = 60000;
  // Silence after which a first-seen pin lapses: a sending address's key, and the keys that may move
  // a node's route (peer_trust), so a host that returns with a new key rejoins.
  std::int64_t pin_idle_ms = 120000;
  // Senders whose replay windows are tracked at once; more are refused until old ones expire.
  std::int64_t max_tracked_senders = 65536;
  // CurveZMQ on the node's tcp sockets. Key files are read when the node starts (transport_security.hpp).
  transport_mode transport = transport_mode::curve;
  std::string transport_key_path;              // this node's transport.key
  std::string transport_key_secret;            // or the secret itself (Z85), set in code only (CLI, tests): never from YAML
  std::vector<std::string> transport_members;  // public keys (Z85 or .pub files) admitted by ZAP under allowlist
  // Connections one client IP may hold open to the node's tcp port; one more is shut at once
  // (tcp_port_monitor.hpp). 0: no cap. Several nodes behind one NAT address share it.
  std::int64_t max_connections_per_ip = 64;
  // Client IPs or ranges never capped (canonical ip_prefix text): this host's tools and nodes by default.
  std::vector<std::string> connection_cap_exempt = {"127.0.0.1", "::1"};
};

// Parses the optional `security:` mapping of a node config.
status parse_security(const settings& root, security_config& out);
// One key entry: 64 hex digits, or the path of a file whose first line is them (a .pub file; a
// *.key path is refused as a secret, key_file_kind.hpp).
result<public_key> parse_public_key(const settings& at, std::string_view key, const std::string& entry);

}  // namespace infergrid

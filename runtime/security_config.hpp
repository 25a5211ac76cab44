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
//     max_connections: 4096             # tcp connections all non-exempt clients together may hold (0: no cap)
//     max_pending_handshakes_per_ip: 8  # curve: connections of one client still in their handshake (0: no cap)
//     max_unread_bytes_per_ip: 67108864 # bytes one client sent that the node has not read whole (0: no cap)
//     handshake_timeout_ms: 10000       # a connection that has not completed its ZMTP handshake by then is closed
//     heartbeat_ms: 10000               # ZMTP PING on every connection this often (0: none) ...
//     heartbeat_timeout_ms: 30000       # ... and one silent this long after a PING is closed
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
  // Connections all non-exempt clients together may hold open to the tcp port (0: no cap): the
  // per-IP cap alone lets many addresses take every file descriptor.
  std::int64_t max_connections = 4096;
  // Under curve, connections one non-exempt client may hold whose handshake has not completed (0: no
  // cap): before its handshake a stranger's connection may have libzmq buffer up to a frame
  // (curve_handshake_watch.hpp).
  std::int64_t max_pending_handshakes_per_ip = 8;
  // Bytes one non-exempt client may have sent that the node has not read whole — a frame still
  // arriving, or stopped midway and held by libzmq until the heartbeat timeout (0: no cap; else at
  // least limits.max_envelope_bytes + 4096): its connections holding the most are shut
  // (unread_bytes_watch.hpp). 64 MiB: four envelopes of the largest size at once.
  std::int64_t max_unread_bytes_per_ip = 64 << 20;
  // A connection whose ZMTP handshake has not completed this long after it opened is closed
  // (ZMQ_HANDSHAKE_IVL; libzmq's default is 30000).
  std::int64_t handshake_timeout_ms = 10000;
  // The node pings each connection to its tcp port this often (ZMTP PING, ZMQ_HEARTBEAT_IVL; 0: no
  // pings) and closes one that sends nothing for heartbeat_timeout_ms after a ping, so a dead or
  // silent peer does not hold its connection forever.
  std::int64_t heartbeat_ms = 10000;
  std::int64_t heartbeat_timeout_ms = 30000;
};

// Parses the optional `security:` mapping of a node config.
status parse_security(const settings& root, security_config& out);
// One key entry: 64 hex digits, or the path of a file whose first line is them (a .pub file; a
// *.key path is refused as a secret, key_file_kind.hpp).
result<public_key> parse_public_key(const settings& at, std::string_view key, const std::string& entry);

}  // namespace infergrid

#pragma once
// link_probe: what a fresh ZeroMQ connection to a node's endpoint sees in its first moments —
// nothing listening, a handshake the node refused or that failed, or one that completed — read
// from the socket monitor. A CLI call that got no reply uses it to say which (node_client.hpp),
// instead of the same "no reply within N ms" for a node that is down, a wrong server key and a
// wrong node name.
//
//   link_report seen = probe_link("tcp://10.0.0.5:7400", own, server_public_z85, 1500ms);
#include <chrono>
#include <string>

#include "runtime/transport_security.hpp"

namespace infergrid::cli {

enum class link_outcome {
  nothing_listening,   // the connect was refused: no process listens at the endpoint
  not_connected,       // no tcp connection within the wait (host unreachable, filtered, slow)
  handshake_failed,    // connected, but the ZMTP/CURVE handshake broke off (wrong server key, curve vs plaintext)
  key_not_admitted,    // the handshake reached the node's ZAP handler, which refused this client's key
  handshook,           // the link works: a silence comes from above it (node or actor name)
};

struct link_report {
  link_outcome outcome = link_outcome::not_connected;
  bool mechanism_mismatch = false;  // handshake_failed because the node does not speak CURVE (seen by a CURVE client)
  std::string detail;               // not_connected: why ("No route to host", "no answer within 2000 ms")
};

// First a plain tcp connect (refused: nothing_listening; any other failure: not_connected), then
// connects to `endpoint` as a CURVE client of `server_public_z85` with `own` (plaintext when
// `own` is plaintext), watches the monitor for at most `wait`, and disconnects.
link_report probe_link(const std::string& endpoint, const transport_credentials& own,
                       const std::string& server_public_z85, std::chrono::milliseconds wait);

}  // namespace infergrid::cli

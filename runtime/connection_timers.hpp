#pragma once
// connection_timers: the ZMTP timers of the connections to a node's tcp port, set on its ROUTER
// before it binds, from security.handshake_timeout_ms, heartbeat_ms and heartbeat_timeout_ms.
// - A connection whose handshake has not completed after handshake_timeout_ms is closed
//   (ZMQ_HANDSHAKE_IVL; libzmq's own default is 30 s). Until then a stranger's connection holds a
//   file descriptor and what libzmq buffered for it.
// - Every heartbeat_ms the node sends each connection a ZMTP PING (ZMQ_HEARTBEAT_IVL) and closes
//   one from which no whole message or command arrives within heartbeat_timeout_ms
//   (ZMQ_HEARTBEAT_TIMEOUT): libzmq peers answer with PONG, so only a dead, frozen or silent peer
//   (a bare tcp client under `plaintext` or `admit: open`) is dropped. Without it such a
//   connection was kept forever. The PING's TTL (heartbeat_timeout_ms, ZMQ_HEARTBEAT_TTL) has a
//   peer drop its connection, and reconnect, when the pings stop.
#include <zmq.hpp>

#include "runtime/security_config.hpp"

namespace infergrid {

void set_connection_timers(zmq::socket_t& server, const security_config& security);

}  // namespace infergrid

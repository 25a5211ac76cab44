#include "runtime/connection_timers.hpp"

namespace infergrid {

void set_connection_timers(zmq::socket_t& server, const security_config& security) {
  server.set(zmq::sockopt::handshake_ivl, static_cast<int>(security.handshake_timeout_ms));
  if (security.heartbeat_ms <= 0) return;
  server.set(zmq::sockopt::heartbeat_ivl, static_cast<int>(security.heartbeat_ms));
  server.set(zmq::sockopt::heartbeat_timeout, static_cast<int>(security.heartbeat_timeout_ms));
  server.set(zmq::sockopt::heartbeat_ttl, static_cast<int>(security.heartbeat_timeout_ms));
}

}  // namespace infergrid

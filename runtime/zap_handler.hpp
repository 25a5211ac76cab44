#pragma once
// zap_handler: a node's gatekeeper for CurveZMQ handshakes (ZeroMQ's ZAP, RFC 27). A thread owned
// by the node answers libzmq's authentication requests on inproc://zeromq.zap.01 of the node's
// context: under `admit: allowlist` only the transport keys in transport_admission.keys complete a
// handshake, under `admit: open` any key does (the matchmaker's stake gate then decides whether a
// worker is ever scheduled). An admitted connection's messages carry its key as "User-Id", which
// the ingress uses to reach that node back. Handshakes that fail before ZAP is asked (a plaintext
// client, a wrong server key, garbage) are the port monitor's (tcp_port_monitor.hpp).
// Counters (`<node>/_transport`): received = handshakes admitted, refused = keys refused; every
// refusal is logged with the peer and the reason.
#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include <zmq.hpp>

#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/result.hpp"
#include "runtime/transport_security.hpp"

namespace infergrid {

class zap_handler {
 public:
  // Binds the ZAP endpoint (one handler per context); call before the node's ROUTER binds, so no
  // handshake can come first.
  static result<std::unique_ptr<zap_handler>> start(zmq::context_t& context, std::string node_name,
                                                    transport_admission admission);
  ~zap_handler();
  zap_handler(const zap_handler&) = delete;
  zap_handler& operator=(const zap_handler&) = delete;

  void stop();
  const actor_counters& counters() const { return counters_; }

 private:
  zap_handler(std::string node_name, transport_admission admission, zmq::socket_t requests);
  void run();
  void answer_request();
  void log_refusal(const std::string& text);

  const std::string node_name_;
  const transport_admission admission_;
  zmq::socket_t requests_;  // REP on inproc://zeromq.zap.01
  std::thread thread_;
  std::atomic<bool> stop_requested_{false};
  actor_counters counters_;
  log_budget refusal_logs_{refusal_logs_per_second};
};

}  // namespace infergrid

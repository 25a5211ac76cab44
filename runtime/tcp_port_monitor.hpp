#pragma once
// tcp_port_monitor: what happens to the connections on a node's tcp port, from libzmq's socket
// monitor of its ROUTER (under every transport). A thread owned by the node:
// - says when the port cannot accept a connection (ZMQ_EVENT_ACCEPT_FAILED: EMFILE when the
//   process is out of file descriptors), naming the errno and the endpoint — libzmq itself says
//   nothing, and peers just see no answer;
// - caps the connections one client (an IPv4 address, an IPv6 /64) holds (connection_cap.hpp): one over the cap is shut down
//   as soon as it is accepted;
// - under curve, reports handshakes that fail before ZAP is asked (a plaintext client, a wrong
//   server key, garbage).
// Counters (`<node>/_tcp`, kind tcp_port): received = connections accepted, refused = connections
// closed for the per-IP cap, errors = accepts that failed, dropped_malformed = failed handshakes.
// Every line is a `warn`, at most refusal_logs_per_second a second.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include <zmq.hpp>

#include "runtime/connection_cap.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/result.hpp"

namespace infergrid {

struct tcp_port_options {
  std::string endpoint;                    // the bound endpoint, for the log
  bool report_failed_handshakes = false;   // under curve
  std::int64_t max_connections_per_ip = 0;  // 0: no cap
  std::vector<ip_prefix> cap_exempt;       // client ranges never capped
};

class tcp_port_monitor {
 public:
  // Starts watching `server`, which is bound to `options.endpoint`.
  static result<std::unique_ptr<tcp_port_monitor>> start(zmq::context_t& context, std::string node_name,
                                                          tcp_port_options options, zmq::socket_t& server);
  ~tcp_port_monitor();
  tcp_port_monitor(const tcp_port_monitor&) = delete;
  tcp_port_monitor& operator=(const tcp_port_monitor&) = delete;

  void stop();
  const actor_counters& counters() const { return counters_; }

 private:
  struct failed_handshake {
    std::uint16_t event = 0;
    std::uint32_t value = 0;
  };
  tcp_port_monitor(std::string node_name, tcp_port_options options, zmq::socket_t events, int local_port);
  void run();
  void note_event();
  void accepted(int fd);
  void disconnected(int fd);
  // A failed handshake is reported once the next event shows it was not a connection this monitor shut.
  void settle_failed_handshake();
  void warn(const std::string& text);

  const std::string node_name_;
  const tcp_port_options options_;
  const int local_port_;
  zmq::socket_t events_;  // PAIR fed by zmq_socket_monitor of the node's ROUTER
  std::thread thread_;
  std::atomic<bool> stop_requested_{false};
  actor_counters counters_;
  connection_cap cap_;
  std::unordered_set<int> shut_fds_;  // over the cap, shut down, their disconnect not yet seen
  std::optional<failed_handshake> pending_failure_;
  log_budget logs_{refusal_logs_per_second};
};

}  // namespace infergrid

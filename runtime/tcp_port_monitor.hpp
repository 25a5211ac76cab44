#pragma once
// tcp_port_monitor: what happens to the connections on a node's tcp port, from libzmq's socket
// monitor of its ROUTER (under every transport). A thread owned by the node:
// - says when the port cannot accept a connection (ZMQ_EVENT_ACCEPT_FAILED: EMFILE when the
//   process is out of file descriptors), naming the errno and the endpoint — libzmq itself says
//   nothing, and peers just see no answer;
// - caps the connections one client (an IPv4 address, an IPv6 /64) holds (connection_cap.hpp): one over the cap is shut down
//   as soon as it is accepted;
// - caps the connections all clients together hold (security.max_connections); exempt clients
//   count toward neither cap;
// - caps all connections, exempt ones included, below what the process's file-descriptor limit
//   allows (descriptor_budget.hpp), so that libzmq does not spin on accept at EMFILE;
// - under curve, reports handshakes that fail before ZAP is asked (a plaintext client, a wrong
//   server key, garbage), shuts a connection that sends more than a handshake needs before its
//   handshake completes, and caps the connections one client holds in their handshake
//   (curve_handshake_watch.hpp);
// - caps the bytes one client has sent that the node has not read whole (a frame it stopped in
//   the middle of), security.max_unread_bytes_per_ip (unread_bytes_watch.hpp): shuts its
//   connections holding the most until it is under.
// Counters (`<node>/_tcp`, kind tcp_port): received = connections accepted, refused = connections
// shut for a cap (the unread-bytes cap included), errors = accepts that failed, dropped_malformed = failed handshakes and
// connections shut for an oversized handshake.
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
#include "runtime/curve_handshake_watch.hpp"
#include "runtime/descriptor_budget.hpp"
#include "runtime/unread_bytes_watch.hpp"
#include "runtime/whole_frame_bytes.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/result.hpp"

namespace infergrid {

struct tcp_port_options {
  std::string endpoint;                    // the bound endpoint, for the log
  bool report_failed_handshakes = false;   // under curve
  std::int64_t max_connections_per_ip = 0;  // 0: no cap
  std::vector<ip_prefix> cap_exempt;       // client ranges never capped
  std::int64_t max_connections = 0;         // all non-exempt clients together; 0: no cap
  std::int64_t max_pending_handshakes_per_ip = 0;  // under curve; 0: no cap
  std::int64_t max_unread_bytes_per_ip = 0;        // 0: no cap
  std::int64_t heartbeat_ms = 0;                   // how often the ROUTER pings (security.heartbeat_ms)
};

class tcp_port_monitor {
 public:
  // Starts watching `server`, which is bound to `options.endpoint` and whose frames the ingress
  // counts in `whole` as it reads them.
  static result<std::unique_ptr<tcp_port_monitor>> start(zmq::context_t& context, std::string node_name,
                                                          tcp_port_options options, zmq::socket_t& server,
                                                          const whole_frame_bytes& whole);
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
  tcp_port_monitor(std::string node_name, tcp_port_options options, zmq::socket_t events, int local_port,
                   const whole_frame_bytes& whole);
  void run();
  void note_event();
  void accepted(int fd);
  void disconnected(int fd);
  // Why a connection just accepted from `peer` on `fd` is refused (a cap it is over), or nothing.
  std::optional<std::string> refusal(int fd, const tcp_peer& peer);
  // Shuts down the connection on `fd`; libzmq, which owns the fd, sees it end and closes it.
  void shut(int fd);
  // Under curve, at most every handshake_scan_ms: shuts the connections over the handshake's bytes.
  void scan_handshakes();
  // At most every unread_scan_ms: shuts the connections of the clients over their unread bytes.
  void scan_unread();
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
  const descriptor_budget descriptors_;
  connection_cap descriptor_cap_;  // every client, exempt ones too: at most descriptors_.connections()
  std::unordered_set<int> shut_fds_;  // shut down here, their disconnect not yet seen
  curve_handshake_watch handshakes_;  // under curve only
  std::int64_t last_handshake_scan_ms_ = 0;
  const whole_frame_bytes& whole_;
  std::optional<unread_bytes_watch> unread_;  // with a cap
  std::int64_t last_unread_scan_ms_ = 0;
  std::optional<failed_handshake> pending_failure_;
  log_budget logs_{refusal_logs_per_second};
};

}  // namespace infergrid

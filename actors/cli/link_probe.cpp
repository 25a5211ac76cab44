#include "actors/cli/link_probe.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include <zmq.hpp>

#include "runtime/curve_keys.hpp"
#include "runtime/socket_ipv6.hpp"

namespace infergrid::cli {
namespace {

struct monitor_event {
  std::uint16_t event = 0;
  std::uint32_t value = 0;
};

// One event from the monitor socket (two frames: event id + value, then the endpoint), or none
// before `left` runs out.
bool next_event(zmq::socket_t& monitor, std::chrono::milliseconds left, monitor_event& out) {
  zmq::pollitem_t item{monitor.handle(), 0, ZMQ_POLLIN, 0};
  if (zmq::poll(&item, 1, left) <= 0) return false;
  zmq::message_t head;
  zmq::message_t address;
  if (!monitor.recv(head, zmq::recv_flags::dontwait) || head.size() < 6) return false;
  if (head.more()) (void)monitor.recv(address, zmq::recv_flags::none);
  std::memcpy(&out.event, head.data(), sizeof out.event);
  std::memcpy(&out.value, static_cast<const char*>(head.data()) + sizeof out.event, sizeof out.value);
  return true;
}

std::string monitor_address() {
  static std::atomic<int> probes{0};
  return "inproc://link-probe-" + std::to_string(probes.fetch_add(1));
}

// A plain tcp connect to "tcp://host:port" within `wait`: 0 when it connected, else the errno
// (ETIMEDOUT when no answer came in time), or -1 when the host name does not resolve.
int tcp_connect_errno(const std::string& endpoint, std::chrono::milliseconds wait) {
  const std::string address = endpoint.rfind("tcp://", 0) == 0 ? endpoint.substr(6) : endpoint;
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return EINVAL;
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), address.substr(colon + 1).c_str(), &hints, &found) != 0 || found == nullptr) {
    return -1;
  }
  int failure = ETIMEDOUT;
  const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd >= 0) {
    if (::connect(fd, found->ai_addr, found->ai_addrlen) == 0) {
      failure = 0;
    } else if (errno != EINPROGRESS) {
      failure = errno;
    } else {
      pollfd watched{fd, POLLOUT, 0};
      if (::poll(&watched, 1, static_cast<int>(wait.count())) == 1) {
        socklen_t length = sizeof failure;
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length) != 0) failure = errno;
      }
    }
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return failure;
}

}  // namespace

link_report probe_link(const std::string& endpoint, const transport_credentials& own,
                       const std::string& server_public_z85, std::chrono::milliseconds wait) {
  const int refused = tcp_connect_errno(endpoint, wait);
  if (refused == ECONNREFUSED) return {link_outcome::nothing_listening};
  if (refused == -1) return {link_outcome::not_connected, false, "the host name does not resolve"};
  if (refused == ETIMEDOUT) return {link_outcome::not_connected, false, "no answer within " + std::to_string(wait.count()) + " ms"};
  if (refused != 0) return {link_outcome::not_connected, false, std::strerror(refused)};
  try {
    zmq::context_t context;
    zmq::socket_t dealer(context, zmq::socket_type::dealer);
    dealer.set(zmq::sockopt::linger, 0);
    if (own.curve()) make_curve_client(dealer, own.own, server_public_z85);
    const std::string watched = monitor_address();
    if (zmq_socket_monitor(dealer.handle(), watched.c_str(), ZMQ_EVENT_ALL) != 0) return {};
    zmq::socket_t monitor(context, zmq::socket_type::pair);
    monitor.set(zmq::sockopt::linger, 0);
    monitor.connect(watched);
    allow_ipv6_endpoint(dealer, endpoint);
    dealer.connect(endpoint);

    bool connected = false;
    const auto deadline = std::chrono::steady_clock::now() + wait;
    monitor_event seen;
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !next_event(monitor, left, seen)) break;
      if (seen.event == ZMQ_EVENT_CONNECTED) connected = true;
      if (seen.event == ZMQ_EVENT_CONNECT_RETRIED && !connected) return {link_outcome::nothing_listening};  // it just went away
      if (seen.event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) return {link_outcome::handshook};
      if (seen.event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) return {link_outcome::key_not_admitted};
      if (seen.event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) {
        return {link_outcome::handshake_failed, seen.value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH};
      }
      // The node closed the connection mid-handshake: a CURVE server does so on a HELLO it cannot
      // open (the client used another server key than the node's), and on a plaintext client.
      if (seen.event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL || seen.event == ZMQ_EVENT_DISCONNECTED) {
        return {link_outcome::handshake_failed};
      }
    }
    if (connected) return {link_outcome::handshake_failed};
    return {link_outcome::not_connected, false, "the tcp connect worked, ZeroMQ's did not within " + std::to_string(wait.count()) + " ms"};
  } catch (const zmq::error_t&) {
    return {};
  }
}

}  // namespace infergrid::cli

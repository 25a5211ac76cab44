#include "runtime/tcp_port_monitor.hpp"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cstddef>
#include <cstring>

#include <fmt/format.h>

namespace infergrid {
namespace {

constexpr const char* monitor_endpoint = "inproc://infergrid.tcp-port-monitor";
// How often the loop looks at its stop flag when nothing arrives.
constexpr long stop_poll_ms = 50;
// Monitor events queued for this thread (on top of libzmq's 1000) before libzmq drops new ones: a
// flood of failed accepts must not cost unbounded memory; a dropped close is healed by
// connection_cap's recount.
constexpr int max_queued_events = 100000;
// How often, under curve, the connections still in their handshake are checked for what they sent
// (curve_handshake_watch.hpp): a connection shut at a check held at most what arrived since the last.
constexpr std::int64_t handshake_scan_ms = 50;
// How often each connection's unread bytes are checked (unread_bytes_watch.hpp): one TCP_INFO per
// connection each time. A client may go over its budget by what it sends between two checks.
constexpr std::int64_t unread_scan_ms = 200;

std::int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int port_of_endpoint(const std::string& endpoint) {
  const auto colon = endpoint.rfind(':');
  return colon == std::string::npos ? -1 : std::atoi(endpoint.c_str() + colon + 1);
}

std::optional<tcp_peer> peer_from(const sockaddr_storage& address) {
  const auto ip = ip_address::of(address);
  if (!ip) return std::nullopt;
  const in_port_t port = address.ss_family == AF_INET ? reinterpret_cast<const sockaddr_in&>(address).sin_port
                                                      : reinterpret_cast<const sockaddr_in6&>(address).sin6_port;
  return tcp_peer{*ip, ntohs(port)};
}

// The client of the connection on `fd`, when `fd` is still a tcp connection to `local_port` (the
// monitor's events trail the I/O thread: the fd may have closed, or been reused, since).
std::optional<tcp_peer> accepted_peer(int fd, int local_port) {
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0) return std::nullopt;
  const auto here = peer_from(local);
  if (!here || here->port != local_port) return std::nullopt;
  sockaddr_storage remote{};
  length = sizeof remote;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &length) != 0) return std::nullopt;
  return peer_from(remote);
}

// The kernel's TCP_INFO for `fd`, when it counts the bytes each way (Linux 4.19 or later).
std::optional<tcp_info> byte_counts_of(int fd) {
  tcp_info info{};
  socklen_t length = sizeof info;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0 ||
      length < offsetof(tcp_info, tcpi_bytes_sent) + sizeof info.tcpi_bytes_sent) {
    return std::nullopt;
  }
  return info;
}

// The bytes each way on the connection on `fd`, when it is still the one accepted from `peer`.
std::optional<handshake_progress> progress_of(int fd, const tcp_peer& peer, int local_port) {
  if (accepted_peer(fd, local_port) != peer) return std::nullopt;
  const auto info = byte_counts_of(fd);
  if (!info) return std::nullopt;
  return handshake_progress{info->tcpi_bytes_sent, info->tcpi_bytes_received};
}

// The bytes received on `fd`, whichever connection holds it now.
std::optional<std::uint64_t> received_on(int fd) {
  const auto info = byte_counts_of(fd);
  if (!info) return std::nullopt;
  return info->tcpi_bytes_received;
}

std::string describe_errno(std::uint32_t value) {
  const int code = static_cast<int>(value);
  const char* name = ::strerrorname_np(code);
  std::string out = std::string(std::strerror(code)) + " (" + (name != nullptr ? name : std::to_string(code)) + ")";
  if (code == EMFILE || code == ENFILE) {
    out += ": the process is out of file descriptors; every open connection holds one — raise the limit "
           "(LimitNOFILE, ulimit -n) or lower security.max_connections_per_ip";
  }
  return out;
}

std::string describe_failure(std::uint16_t event, std::uint32_t value) {
  if (event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) return "the peer hung up during the handshake (a plaintext client, or one expecting another server key?)";
  switch (value) {
    case ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH: return "security mechanism mismatch (a plaintext peer on a curve port?)";
    case ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC: return "cryptographic error (the peer used a wrong server key?)";
    default: return "protocol error 0x" + fmt::format("{:x}", value);
  }
}

}  // namespace

result<std::unique_ptr<tcp_port_monitor>> tcp_port_monitor::start(zmq::context_t& context, std::string node_name,
                                                                   tcp_port_options options, zmq::socket_t& server,
                                                                   const whole_frame_bytes& whole) {
  const int local_port = port_of_endpoint(options.endpoint);
  if (local_port <= 0) return make_error(error_code::invalid_argument, "no port in the bound endpoint " + options.endpoint);
  try {
    int watched = ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_ACCEPT_FAILED | ZMQ_EVENT_DISCONNECTED;
    if (options.report_failed_handshakes) watched |= ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL;
    if (zmq_socket_monitor(server.handle(), monitor_endpoint, watched) != 0) throw zmq::error_t();
    zmq::socket_t events(context, zmq::socket_type::pair);
    events.set(zmq::sockopt::linger, 0);
    events.set(zmq::sockopt::rcvhwm, max_queued_events);
    events.connect(monitor_endpoint);
    std::unique_ptr<tcp_port_monitor> self(
        new tcp_port_monitor(std::move(node_name), std::move(options), std::move(events), local_port, whole));
    self->thread_ = std::thread([raw = self.get()] { raw->run(); });
    return self;
  } catch (const zmq::error_t& e) {
    return make_error(error_code::io_error, std::string("cannot monitor the tcp port: ") + e.what());
  }
}

tcp_port_monitor::tcp_port_monitor(std::string node_name, tcp_port_options options, zmq::socket_t events, int local_port,
                                   const whole_frame_bytes& whole)
    : node_name_(std::move(node_name)),
      options_(std::move(options)),
      local_port_(local_port),
      events_(std::move(events)),
      cap_(options_.max_connections_per_ip, options_.cap_exempt, options_.max_connections),
      descriptors_(descriptor_budget::of_this_process()),
      descriptor_cap_(0, {}, descriptors_.connections()),
      whole_(whole) {
  const std::int64_t budget = descriptors_.connections();
  if (budget > 0 && (options_.max_connections <= 0 || budget < options_.max_connections)) {
    log(log_level::info, node_name_,
        "tcp port {} holds at most {} connections: the process may open {} files (ulimit -n, LimitNOFILE), "
        "{} are open, {} are kept for the node's own sockets and files",
        options_.endpoint, budget, descriptors_.limit, descriptors_.open_at_start, descriptors_.reserved);
  }
  if (options_.max_unread_bytes_per_ip > 0) {
    unread_.emplace(static_cast<std::uint64_t>(options_.max_unread_bytes_per_ip), options_.heartbeat_ms);
  }
}

tcp_port_monitor::~tcp_port_monitor() { stop(); }

void tcp_port_monitor::stop() {
  stop_requested_.store(true);
  if (thread_.joinable()) thread_.join();
}

void tcp_port_monitor::run() {
  while (!stop_requested_.load(std::memory_order_relaxed)) {
    try {
      zmq::pollitem_t item{events_.handle(), 0, ZMQ_POLLIN, 0};
      zmq::poll(&item, 1, std::chrono::milliseconds(stop_poll_ms));
      if ((item.revents & ZMQ_POLLIN) != 0) {
        note_event();
      } else {
        settle_failed_handshake();
      }
      scan_handshakes();
      scan_unread();
    } catch (const zmq::error_t& e) {
      counters_.errors.fetch_add(1, std::memory_order_relaxed);
      log(log_level::warn, node_name_, "tcp port {}: monitor: {}", options_.endpoint, e.what());
    }
  }
  events_.close();
}

void tcp_port_monitor::note_event() {
  zmq::message_t header;
  zmq::message_t address;
  if (!events_.recv(header, zmq::recv_flags::none)) return;
  if (header.more()) (void)events_.recv(address, zmq::recv_flags::none);
  if (header.size() < 6) return;
  std::uint16_t event = 0;
  std::uint32_t value = 0;
  std::memcpy(&event, header.data(), sizeof event);
  std::memcpy(&value, static_cast<const char*>(header.data()) + sizeof event, sizeof value);
  if (event == ZMQ_EVENT_DISCONNECTED) {
    disconnected(static_cast<int>(value));
    return;
  }
  settle_failed_handshake();
  switch (event) {
    case ZMQ_EVENT_ACCEPTED:
      accepted(static_cast<int>(value));
      break;
    case ZMQ_EVENT_ACCEPT_FAILED:
      counters_.errors.fetch_add(1, std::memory_order_relaxed);
      warn("tcp port " + options_.endpoint + " cannot accept a connection: " + describe_errno(value));
      break;
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
      pending_failure_ = failed_handshake{event, value};
      break;
    default:
      break;
  }
}

void tcp_port_monitor::accepted(int fd) {
  counters_.received.fetch_add(1, std::memory_order_relaxed);
  shut_fds_.erase(fd);
  const auto peer = accepted_peer(fd, local_port_);
  if (!peer) {
    cap_.closed(fd);
    descriptor_cap_.closed(fd);
    handshakes_.closed(fd);
    if (unread_) unread_->closed(fd);
    return;  // closed already: its disconnect follows
  }
  const auto why = refusal(fd, *peer);
  if (!why) {
    if (unread_ && !cap_.exempt(peer->address)) {
      const auto before = whole_.of(fd);
      if (before) unread_->add(fd, *peer, *before, steady_now_ms());
    }
    return;
  }
  shut(fd);
  counters_.refused.fetch_add(1, std::memory_order_relaxed);
  warn("tcp port " + options_.endpoint + " refused a connection from " + peer->address.text() + ": " + *why);
}

std::optional<std::string> tcp_port_monitor::refusal(int fd, const tcp_peer& peer) {
  const std::string holder = peer.address.is_v4() ? "it" : connection_cap::client_of(peer.address).text();
  if (options_.report_failed_handshakes) {
    const auto progress = [this](int open_fd, const tcp_peer& was) { return progress_of(open_fd, was, local_port_); };
    const std::int64_t max_pending = options_.max_pending_handshakes_per_ip;
    if (max_pending > 0 && !cap_.exempt(peer.address) &&
        static_cast<std::int64_t>(handshakes_.pending_of(peer.address, progress)) >= max_pending) {
      handshakes_.closed(fd);
      cap_.closed(fd);
      return holder + " holds " + std::to_string(max_pending) +
             " connections in their handshake already (security.max_pending_handshakes_per_ip)";
    }
    handshakes_.add(fd, peer);
  }
  const auto still_open = [this](int open_fd, const tcp_peer& was) { return accepted_peer(open_fd, local_port_) == was; };
  if (cap_.admit(fd, peer, steady_now_ms(), still_open)) {
    if (descriptor_cap_.admit(fd, peer, steady_now_ms(), still_open)) return std::nullopt;
    cap_.closed(fd);
    handshakes_.closed(fd);
    return "the port holds " + std::to_string(descriptor_cap_.max_total()) +
           " connections already, all that the process's file-descriptor limit (" + std::to_string(descriptors_.limit) +
           ") leaves it — raise the limit (LimitNOFILE, ulimit -n)";
  }
  handshakes_.closed(fd);
  if (cap_.max_total() > 0 && static_cast<std::int64_t>(cap_.held()) >= cap_.max_total()) {
    return "the port holds " + std::to_string(cap_.max_total()) + " connections already (security.max_connections)";
  }
  return holder + " holds " + std::to_string(cap_.max_per_ip()) + " already (security.max_connections_per_ip)";
}

void tcp_port_monitor::shut(int fd) {
  (void)::shutdown(fd, SHUT_RDWR);
  shut_fds_.insert(fd);
}

void tcp_port_monitor::scan_handshakes() {
  if (!options_.report_failed_handshakes || handshakes_.pending() == 0) return;
  const std::int64_t now_ms = steady_now_ms();
  if (now_ms - last_handshake_scan_ms_ < handshake_scan_ms) return;
  last_handshake_scan_ms_ = now_ms;
  const auto progress = [this](int fd, const tcp_peer& was) { return progress_of(fd, was, local_port_); };
  for (const auto& over : handshakes_.take_oversized(progress)) {
    shut(over.fd);
    counters_.dropped_malformed.fetch_add(1, std::memory_order_relaxed);
    warn("tcp port " + options_.endpoint + " shut a connection from " + over.peer.address.text() + ": it sent " +
         std::to_string(over.received_bytes) + " bytes without completing its CURVE handshake (which takes under " +
         std::to_string(curve_handshake_watch::max_handshake_bytes) + ")");
  }
}

void tcp_port_monitor::scan_unread() {
  if (!unread_ || unread_->watched() == 0) return;
  const std::int64_t now_ms = steady_now_ms();
  if (now_ms - last_unread_scan_ms_ < unread_scan_ms) return;
  last_unread_scan_ms_ = now_ms;
  for (const auto& over : unread_->take_over_budget(received_on, whole_, now_ms)) {
    if (accepted_peer(over.fd, local_port_) != over.peer) continue;  // closed, the fd reused: its events follow
    shut(over.fd);
    counters_.refused.fetch_add(1, std::memory_order_relaxed);
    warn("tcp port " + options_.endpoint + " shut a connection from " + over.peer.address.text() + ": its connections hold " +
         std::to_string(over.client_unread_bytes) + " bytes the node has not read whole (a frame stopped midway?), over " +
         std::to_string(options_.max_unread_bytes_per_ip) + " (security.max_unread_bytes_per_ip)");
  }
}

void tcp_port_monitor::disconnected(int fd) {
  // A connection shut for the cap fails its handshake first: not a failure to report.
  if (shut_fds_.erase(fd) != 0) {
    pending_failure_.reset();
  } else {
    settle_failed_handshake();
  }
  cap_.closed(fd);
  descriptor_cap_.closed(fd);
  handshakes_.closed(fd);
  if (unread_) unread_->closed(fd);
}

void tcp_port_monitor::settle_failed_handshake() {
  if (!pending_failure_) return;
  const failed_handshake failure = *pending_failure_;
  pending_failure_.reset();
  counters_.dropped_malformed.fetch_add(1, std::memory_order_relaxed);
  warn("transport: handshake failed on " + options_.endpoint + ": " + describe_failure(failure.event, failure.value));
}

void tcp_port_monitor::warn(const std::string& text) {
  if (logs_.take(steady_now_ms())) log(log_level::warn, node_name_, "{}", text);
}

}  // namespace infergrid

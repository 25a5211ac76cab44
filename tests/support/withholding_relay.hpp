#pragma once
// withholding_relay: a tcp relay in a test, between a client (a real libzmq socket) and a node's
// port. It connects to the node from `source_ip` for each client it accepts, passes everything the
// node sends, and of what the client sends only its first `client_limit` bytes: a libzmq client
// then looks, to the node, like one that stopped in the middle of a frame (it cannot answer PINGs
// either, as those would follow the frame).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace infergrid::testing {

class withholding_relay {
 public:
  withholding_relay(std::string source_ip, int node_port, std::uint64_t client_limit)
      : source_ip_(std::move(source_ip)), node_port_(node_port), client_limit_(client_limit) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    (void)::bind(listener_, reinterpret_cast<sockaddr*>(&address), length);
    (void)::listen(listener_, 128);
    (void)::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~withholding_relay() {
    stop_.store(true);
    thread_.join();
    ::close(listener_);
    for (const auto& pair : pairs_) {
      ::close(pair.client);
      ::close(pair.node);
    }
  }
  withholding_relay(const withholding_relay&) = delete;
  withholding_relay& operator=(const withholding_relay&) = delete;

  std::string endpoint() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  // The connections it holds to the node.
  std::size_t open_count() {
    std::lock_guard lock(mutex_);
    return pairs_.size();
  }

 private:
  struct pair {
    int client = -1;
    int node = -1;
    std::uint64_t passed = 0;  // client bytes passed to the node
  };

  int connect_node() const {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in source{};
    source.sin_family = AF_INET;
    ::inet_pton(AF_INET, source_ip_.c_str(), &source.sin_addr);
    sockaddr_in target{};
    target.sin_family = AF_INET;
    target.sin_port = htons(static_cast<std::uint16_t>(node_port_));
    target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0 ||
        ::connect(fd, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) {
      ::close(fd);
      return -1;
    }
    return fd;
  }

  void run() {
    std::vector<char> buffer(1 << 16);
    while (!stop_.load()) {
      std::vector<pollfd> watched{{listener_, POLLIN, 0}};
      {
        std::lock_guard lock(mutex_);
        for (const auto& pair : pairs_) {
          watched.push_back({pair.client, POLLIN, 0});
          watched.push_back({pair.node, POLLIN, 0});
        }
      }
      if (::poll(watched.data(), watched.size(), 50) <= 0) continue;
      std::lock_guard lock(mutex_);
      if ((watched[0].revents & POLLIN) != 0) {
        const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        const int node = client >= 0 ? connect_node() : -1;
        if (node >= 0) pairs_.push_back(pair{client, node});
        else if (client >= 0) ::close(client);
      }
      for (std::size_t i = 1; i < watched.size(); ++i) {
        if (watched[i].revents == 0) continue;
        pair& at = pairs_[(i - 1) / 2];
        const bool from_client = watched[i].fd == at.client;
        const ssize_t got = ::recv(watched[i].fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (got == 0 || (got < 0 && errno != EAGAIN)) {  // one side closed: so is the other
          ::close(at.client);
          ::close(at.node);
          pairs_.erase(pairs_.begin() + static_cast<std::ptrdiff_t>((i - 1) / 2));
          break;  // the indices of `watched` are stale now
        }
        if (got < 0) continue;
        if (!from_client) {
          (void)::send(at.client, buffer.data(), static_cast<std::size_t>(got), MSG_NOSIGNAL);
          continue;
        }
        const std::uint64_t pass = std::min<std::uint64_t>(static_cast<std::uint64_t>(got), client_limit_ - std::min(client_limit_, at.passed));
        std::size_t sent = 0;
        while (sent < pass) {
          const ssize_t n = ::send(at.node, buffer.data() + sent, pass - sent, MSG_NOSIGNAL);
          if (n <= 0) break;
          sent += static_cast<std::size_t>(n);
        }
        at.passed += pass;
      }
    }
  }

  const std::string source_ip_;
  const int node_port_;
  const std::uint64_t client_limit_;
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<pair> pairs_;
};

}  // namespace infergrid::testing

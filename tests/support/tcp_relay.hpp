#pragma once
// tcp_relay: a man in the middle for wire tests. Listens on a free port of 127.0.0.1, forwards
// every connection to `target_port` and back, and records every byte it forwards (both ways), so a
// test can ask whether some text ever crossed the wire in the clear.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace infergrid::testing {

class tcp_relay {
 public:
  explicit tcp_relay(int target_port) : target_port_(target_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = loopback(0);
    socklen_t length = sizeof address;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 16) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      return;
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~tcp_relay() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    for (auto [a, b] : pairs_) {
      ::close(a);
      ::close(b);
    }
    ::close(listener_);
  }
  tcp_relay(const tcp_relay&) = delete;
  tcp_relay& operator=(const tcp_relay&) = delete;

  int port() const { return port_; }  // 0 when it could not listen
  std::string captured() const {
    std::lock_guard lock(mutex_);
    return captured_;
  }
  bool saw(const std::string& text) const { return captured().find(text) != std::string::npos; }

 private:
  static sockaddr_in loopback(int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
  }

  void run() {
    std::vector<char> buffer(1 << 16);
    while (!stop_.load()) {
      std::vector<pollfd> fds{{listener_, POLLIN, 0}};
      for (auto [a, b] : pairs_) {
        fds.push_back({a, POLLIN, 0});
        fds.push_back({b, POLLIN, 0});
      }
      if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
      if ((fds[0].revents & POLLIN) != 0) accept_one();
      std::vector<std::size_t> closed;
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        const auto& pair = pairs_[(i - 1) / 2];
        const int from = fds[i].fd;
        const int to = from == pair.first ? pair.second : pair.first;
        const ssize_t got = ::recv(from, buffer.data(), buffer.size(), 0);
        if (got <= 0 || !send_all(to, buffer.data(), static_cast<std::size_t>(got))) {
          closed.push_back((i - 1) / 2);
          continue;
        }
        std::lock_guard lock(mutex_);
        if (captured_.size() < max_capture_bytes) captured_.append(buffer.data(), static_cast<std::size_t>(got));
      }
      std::sort(closed.begin(), closed.end());
      closed.erase(std::unique(closed.begin(), closed.end()), closed.end());
      for (auto it = closed.rbegin(); it != closed.rend(); ++it) {
        ::close(pairs_[*it].first);
        ::close(pairs_[*it].second);
        pairs_.erase(pairs_.begin() + static_cast<std::ptrdiff_t>(*it));
      }
    }
  }

  void accept_one() {
    const int inbound = ::accept(listener_, nullptr, nullptr);
    if (inbound < 0) return;
    const int outbound = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in target = loopback(target_port_);
    if (::connect(outbound, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) {
      ::close(inbound);
      ::close(outbound);
      return;
    }
    pairs_.emplace_back(inbound, outbound);
  }

  static bool send_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
      const ssize_t sent = ::send(fd, data, size, MSG_NOSIGNAL);
      if (sent <= 0) return false;
      data += sent;
      size -= static_cast<std::size_t>(sent);
    }
    return true;
  }

  static constexpr std::size_t max_capture_bytes = 64u << 20;
  const int target_port_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<std::pair<int, int>> pairs_;  // (accepted, connected to the target); relay thread only
  mutable std::mutex mutex_;
  std::string captured_;
};

}  // namespace infergrid::testing

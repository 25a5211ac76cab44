#include "actors/cli/reply_address.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>

namespace infergrid::cli {
namespace {

constexpr std::string_view loopback_bind = "tcp://127.0.0.1:*";

// The host part of "tcp://host:port" ("" when the endpoint has another shape).
std::string host_of(std::string_view endpoint) {
  constexpr std::string_view scheme = "tcp://";
  if (!endpoint.starts_with(scheme)) return {};
  endpoint.remove_prefix(scheme.size());
  const auto colon = endpoint.rfind(':');
  if (colon == std::string_view::npos) return {};
  return std::string(endpoint.substr(0, colon));
}

// The IPv4 source address the kernel picks for packets to `host`, or "".
std::string source_address_to(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), "9", &hints, &found) != 0 || found == nullptr) return {};
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, &::freeaddrinfo);
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return {};
  std::string out;
  sockaddr_in local{};
  socklen_t length = sizeof(local);
  if (::connect(fd, found->ai_addr, found->ai_addrlen) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0) {
    char text[INET_ADDRSTRLEN] = {};
    if (::inet_ntop(AF_INET, &local.sin_addr, text, sizeof(text)) != nullptr) out = text;
  }
  ::close(fd);
  return out;
}

}  // namespace

std::string reply_bind_towards(std::string_view target_endpoint) {
  const std::string host = host_of(target_endpoint);
  if (host.empty()) return std::string(loopback_bind);
  const std::string source = source_address_to(host);
  if (source.empty() || source.starts_with("127.")) return std::string(loopback_bind);
  return "tcp://" + source + ":*";
}

}  // namespace infergrid::cli

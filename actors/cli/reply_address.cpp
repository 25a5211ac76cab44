#include "actors/cli/reply_address.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <memory>

namespace infergrid::cli {
namespace {

// The host part of "tcp://host:port" ("" when the endpoint has another shape), and whether it came
// in brackets (an IPv6 address: tcp://[fd00::1]:7400), without them.
struct endpoint_host {
  std::string name;
  bool ipv6 = false;
};

endpoint_host host_of(std::string_view endpoint) {
  constexpr std::string_view scheme = "tcp://";
  if (!endpoint.starts_with(scheme)) return {};
  endpoint.remove_prefix(scheme.size());
  const auto colon = endpoint.rfind(':');
  if (colon == std::string_view::npos) return {};
  const std::string_view host = endpoint.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') return {std::string(host.substr(1, host.size() - 2)), true};
  return {std::string(host), false};
}

// The source address the kernel picks for packets to `host` (IPv6 for a bracketed host, as ZeroMQ
// resolves it — runtime/socket_ipv6.hpp), or "". A link-local IPv6 address (fe80::…, reached as
// tcp://[fe80::1%eth0]:7400) keeps its interface — fe80::2%eth0 — as nothing binds one without it.
std::string source_address_to(const endpoint_host& host) {
  const int family = host.ipv6 ? AF_INET6 : AF_INET;
  addrinfo hints{};
  hints.ai_family = family;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.name.c_str(), "9", &hints, &found) != 0 || found == nullptr) return {};
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, &::freeaddrinfo);
  const int fd = ::socket(family, SOCK_DGRAM, 0);
  if (fd < 0) return {};
  std::string out;
  sockaddr_storage local{};
  socklen_t length = sizeof(local);
  if (::connect(fd, found->ai_addr, found->ai_addrlen) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* address = family == AF_INET6 ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(&local)->sin6_addr)
                                             : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(&local)->sin_addr);
    if (::inet_ntop(family, address, text, sizeof(text)) != nullptr) out = text;
    const std::uint32_t zone = family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&local)->sin6_scope_id : 0;
    char interface[IF_NAMESIZE] = {};
    if (!out.empty() && zone != 0 && ::if_indextoname(zone, interface) != nullptr) out += std::string("%") + interface;
  }
  ::close(fd);
  return out;
}

}  // namespace

std::string reply_bind_towards(std::string_view target_endpoint) {
  const endpoint_host host = host_of(target_endpoint);
  const std::string loopback_bind = host.ipv6 ? "tcp://[::1]:*" : "tcp://127.0.0.1:*";
  if (host.name.empty()) return loopback_bind;
  const std::string source = source_address_to(host);
  if (source.empty() || source.starts_with("127.") || source == "::1") return loopback_bind;
  if (host.ipv6) return "tcp://[" + source + "]:*";
  return "tcp://" + source + ":*";
}

}  // namespace infergrid::cli

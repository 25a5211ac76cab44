#include "runtime/tcp_endpoint.hpp"

#include <charconv>
#include <string>
#include <utility>

namespace infergrid {
namespace {

constexpr std::string_view tcp_scheme = "tcp://";
constexpr int max_port = 65535;

error bad(std::string_view endpoint, const std::string& what, endpoint_use use) {
  const char* form = use == endpoint_use::bind ? "tcp://host:port, with * for any interface or any free port"
                                               : "tcp://host:port";
  return make_error(error_code::invalid_argument, "'" + std::string(endpoint) + "' " + what + " (expected " + form + ")");
}

}  // namespace

status check_tcp_endpoint(std::string_view endpoint, endpoint_use use) {
  if (!endpoint.starts_with(tcp_scheme)) return bad(endpoint, "is not a tcp:// endpoint", use);
  const std::string_view rest = endpoint.substr(tcp_scheme.size());
  const std::size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == rest.size() || rest.ends_with("]")) {
    return bad(endpoint, "has no port", use);
  }
  const std::string_view host = rest.substr(0, colon);
  const std::string_view port = rest.substr(colon + 1);
  if (host.empty()) return bad(endpoint, "has no host", use);
  if (use == endpoint_use::connect && host == "*") return bad(endpoint, "has * for its host, which only a bind may", use);
  if (port == "*") {
    if (use == endpoint_use::connect) return bad(endpoint, "has * for its port, which only a bind may", use);
    return {};
  }
  int number = 0;
  const auto [end, failure] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (failure != std::errc{} || end != port.data() + port.size() || number < 1 || number > max_port) {
    return bad(endpoint, "has port " + std::string(port) + ", not a number in 1..65535", use);
  }
  return {};
}

result<std::string> local_endpoint_of_bind(std::string_view bind) {
  constexpr std::pair<std::string_view, std::string_view> wildcards[] = {
      {"tcp://*:", "tcp://127.0.0.1:"}, {"tcp://0.0.0.0:", "tcp://127.0.0.1:"}, {"tcp://[::]:", "tcp://[::1]:"}};
  if (bind.ends_with(":*")) {
    return make_error(error_code::invalid_argument,
                      "'" + std::string(bind) + "' binds any free port, which names none to connect to");
  }
  for (const auto& [wildcard, loopback] : wildcards) {
    if (bind.starts_with(wildcard)) return std::string(loopback) + std::string(bind.substr(wildcard.size()));
  }
  return std::string(bind);
}

}  // namespace infergrid

#pragma once
// tcp_endpoint: the `tcp://host:port` forms a node config accepts. ZeroMQ itself takes a port
// beyond 65535 (and binds a wrapped one) and an endpoint without a port until the first connect,
// so a config names them as errors instead. A bind may say `*` for the host (every interface) or
// for the port (any free one: tcp://127.0.0.1:*); an endpoint to connect to or advertise must
// name both. IPv6 hosts come in brackets (tcp://[::1]:7400).
//
//   IG_TRY(check_tcp_endpoint("tcp://0.0.0.0:7401", endpoint_use::bind));
#include <string>
#include <string_view>

#include "runtime/result.hpp"

namespace infergrid {

enum class endpoint_use { bind, connect };

// An error saying what is wrong with `endpoint` (the caller adds where it came from).
status check_tcp_endpoint(std::string_view endpoint, endpoint_use use);

// Where a process on the same host reaches a node bound at `bind`: a wildcard host (`*`, 0.0.0.0,
// `[::]`) becomes loopback (127.0.0.1, `[::1]`); any other endpoint is itself. A bind to any free
// port (`:*`) names no port to reach: an error saying so.
result<std::string> local_endpoint_of_bind(std::string_view bind);

}  // namespace infergrid

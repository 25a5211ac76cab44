#pragma once
// reply_address: where a CLI's short-lived node listens for replies. A node answers to the reply
// endpoint written in each envelope's route frame, so the CLI must listen on an address the target
// can reach: loopback for a node on this host, else this host's address on the route to it (the
// kernel's choice of source address for a UDP "connection" to the target; nothing is sent). An
// IPv6 target (tcp://[fd00::1]:7400) gets an IPv6 reply address: the node there may reach no IPv4.
// A link-local target (tcp://[fe80::1%eth0]:7400) gets a link-local one with this host's interface
// (tcp://[fe80::2%eth0]:*); the node replies through its own interface to the link, whatever its
// name there (runtime/ingress.cpp).
#include <string>
#include <string_view>

namespace infergrid::cli {

// "tcp://<address>:*" ("tcp://[<address>]:*" for a bracketed IPv6 host) for reaching
// `target_endpoint` ("tcp://host:port"); loopback (127.0.0.1, [::1]) when the host is loopback,
// unresolvable or has no route.
std::string reply_bind_towards(std::string_view target_endpoint);

}  // namespace infergrid::cli

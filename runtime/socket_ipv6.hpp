#pragma once
// socket_ipv6: ZeroMQ resolves a tcp endpoint as IPv4 unless its socket sets ZMQ_IPV6, so an IPv6
// host — which the configs accept in brackets (tcp_endpoint.hpp: tcp://[::1]:7400) — failed at bind
// or connect with ZeroMQ's "No such device". Every socket that binds or connects a configured
// endpoint calls this first; IPv4 endpoints are left as they were (their peers' addresses stay
// IPv4 in logs and ZAP requests).
#include <string_view>

#include <zmq.hpp>

namespace infergrid {

inline void allow_ipv6_endpoint(zmq::socket_t& socket, std::string_view endpoint) {
  if (endpoint.starts_with("tcp://[")) socket.set(zmq::sockopt::ipv6, 1);
}

}  // namespace infergrid

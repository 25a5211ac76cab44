#pragma once
// Runtime / system protocol (tags 1–99): error replies, ping, health.
#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "messages/message_registry.hpp"
#include "runtime/metrics.hpp"

namespace infergrid {

// The reply to a request whose handler returned an error (or that could not be delivered).
struct error_reply {
  static constexpr message_type id = message_type::error_reply;
  static constexpr std::uint16_t version = 1;
  std::uint16_t code = 0;  // infergrid::error_code
  std::string message;
  MSGPACK_DEFINE(code, message)
};
IG_REGISTER_MESSAGE(error_reply);

// Liveness and bus round-trip probe; answered by a pong with the same sequence and payload.
struct ping {
  static constexpr message_type id = message_type::ping;
  static constexpr std::uint16_t version = 1;
  std::uint64_t sequence = 0;
  std::vector<std::uint8_t> payload;
  MSGPACK_DEFINE(sequence, payload)
};
IG_REGISTER_MESSAGE(ping);

struct pong {
  static constexpr message_type id = message_type::pong;
  static constexpr std::uint16_t version = 1;
  std::uint64_t sequence = 0;
  std::vector<std::uint8_t> payload;
  std::string responder;  // "node/actor" that answered
  MSGPACK_DEFINE(sequence, payload, responder)
};
IG_REGISTER_MESSAGE(pong);

// Asks a node's health actor for its report.
struct health_request {
  static constexpr message_type id = message_type::health_request;
  static constexpr std::uint16_t version = 1;
  std::uint8_t reserved = 0;  // MessagePack structs need one field; append real ones after it
  MSGPACK_DEFINE(reserved)
};
IG_REGISTER_MESSAGE(health_request);


struct health_report {
  static constexpr message_type id = message_type::health_report;
  static constexpr std::uint16_t version = 1;
  std::string node;
  std::uint64_t uptime_ms = 0;
  std::vector<actor_metrics> actors;  // every actor of the node, plus its tcp ingress
  MSGPACK_DEFINE(node, uptime_ms, actors)
};
IG_REGISTER_MESSAGE(health_report);

}  // namespace infergrid

#pragma once
// gateway: the grid's front door for programs. Binds a ZeroMQ ROUTER (client/client_wire.hpp)
// that serves REQ clients (one completion_result per request) and DEALER clients (a stream of
// token_chunk), validates each request (request_validation.hpp), and forwards it to the
// matchmaker with itself as reply_to. Malformed input is answered with an error_reply that says
// what is wrong; nothing from a client is trusted.
//
// With `transport_key` the client socket speaks CurveZMQ (deploy/readme/runtime.md "Transport security").
// The actor watches the client socket through its context (actor_context::watch): its loop sleeps
// until a client message or a bus message arrives — an idle gateway costs nothing. Deadlines are
// read from the context's clock (now_ms), so a test can expire requests by moving a manual clock.
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <zmq.hpp>

#include "actors/gateway/request_validation.hpp"
#include "messages/inference.hpp"
#include "runtime/actor_context.hpp"
#include "runtime/handler_table.hpp"
#include "runtime/settings.hpp"

namespace infergrid::gateway {

struct gateway_config {
  std::string bind = "tcp://127.0.0.1:7410";  // client endpoint
  std::string matchmaker = "matchmaker";
  std::int64_t default_deadline_ms = 120000;   // for requests that carry none
  std::uint32_t max_in_flight = 4096;          // client requests open at once; more get `unavailable`
  std::uint32_t max_receive_batch = 256;       // client messages read per wake (then the bus gets a turn)
  std::int64_t max_message_bytes = 4 << 20;    // larger client messages are refused
  // A transport.key: the client socket is a CurveZMQ server (clients need its transport.pub;
  // any client key is accepted — clients are anonymous here as without it). "" = plaintext.
  std::string transport_key;
  request_limits limits;
};

result<gateway_config> read_gateway_config(const settings& config);

class gateway_state {
 public:
  static constexpr auto read_settings = &read_gateway_config;
  static result<std::unique_ptr<gateway_state>> create(actor_context& ctx, const settings& config);
  gateway_state(actor_context& ctx, gateway_config config, zmq::context_t context, zmq::socket_t socket);
  handler_table handlers();
  void on_start();
  const std::string& endpoint() const { return endpoint_; }

 private:
  struct open_request {
    std::string identity;  // ROUTER routing id of the client connection
    std::uint64_t message_id = 0;
    std::string client_request_id;
    bool stream = false;
    std::int64_t deadline_ms = 0;
    completion_result result;
  };

  void poll_clients();
  void on_client_message(const std::string& identity, const zmq::message_t& body);
  void accept(const std::string& identity, const envelope& in);
  void send_to_client(const std::string& identity, const std::vector<std::uint8_t>& bytes);
  void answer_error(const std::string& identity, std::uint64_t correlation_id, const error& why);
  void on_chunk(const token_chunk& chunk);
  void on_failed(const inference_failed& failure);
  // Answers `timeout` to the open requests past their deadline; checked every deadline_check_ms
  // while requests are open (arm_expiry), so an idle gateway has no timer.
  void arm_expiry();
  void expire();

  actor_context& ctx_;
  gateway_config config_;
  zmq::context_t context_;
  zmq::socket_t socket_;
  std::string endpoint_;
  std::map<std::string, open_request> open_;  // by grid request id
  std::uint64_t next_message_id_ = 1;
  bool expiry_armed_ = false;
};

}  // namespace infergrid::gateway

#pragma once
// infergrid_client: a small C++ client for the gateway (any program can link infergrid_client).
//
//   infergrid::infergrid_client client("tcp://127.0.0.1:7410");
//   infergrid::inference_request ask;
//   ask.model = "stories260k";
//   ask.prompt = "Once upon a time";
//   auto whole = client.complete(ask, 30000);                     // REQ: one completion_result
//   auto streamed = client.stream(ask, [](const infergrid::token_chunk& c) {   // DEALER: chunks as they come
//     std::fputs(c.text.c_str(), stdout);
//     return true;                                                // false cancels the request
//   }, 30000);
//
// Errors come back as error values: the gateway's error_reply (its code and message), timeout
// when nothing arrives in time, io_error when the socket fails. Not thread-safe: one client per
// thread. A request without request_id gets a fresh one.
#include <cstdint>
#include <functional>
#include <string>

#include <zmq.hpp>

#include "messages/inference.hpp"
#include "messages/match.hpp"
#include "runtime/curve_keys.hpp"
#include "runtime/result.hpp"

namespace infergrid {

class infergrid_client {
 public:
  // `server_key`: the gateway's CurveZMQ public key (Z85) when its client socket runs curve
  // (gateway setting transport_key); the client then connects with a fresh key of its own.
  explicit infergrid_client(std::string endpoint, std::string server_key = {});
  ~infergrid_client();
  infergrid_client(const infergrid_client&) = delete;
  infergrid_client& operator=(const infergrid_client&) = delete;

  // The whole answer over a REQ socket.
  result<completion_result> complete(inference_request request, std::int64_t timeout_ms);
  // Streams chunks over a DEALER socket to `on_chunk` and returns the assembled result.
  result<completion_result> stream(inference_request request, const std::function<bool(const token_chunk&)>& on_chunk,
                                   std::int64_t timeout_ms);

  // The matchmaker's supply signal (per model: workers, slots, load, queue), through the gateway.
  result<supply_report> supply(const std::string& model, std::int64_t timeout_ms);

  const std::string& endpoint() const { return endpoint_; }

 private:
  template <message Reply, message Request>
  result<Reply> ask(const Request& request, std::int64_t timeout_ms);
  std::string next_request_id();
  zmq::socket_t& dealer();

  void secure(zmq::socket_t& socket) const;

  std::string endpoint_;
  std::string server_key_;
  curve_keypair own_keys_;
  zmq::context_t context_;
  zmq::socket_t dealer_;
  std::uint64_t next_message_id_ = 1;
  std::uint64_t next_request_ = 1;
};

}  // namespace infergrid

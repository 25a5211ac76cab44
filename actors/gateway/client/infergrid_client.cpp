#include "actors/gateway/client/infergrid_client.hpp"

#include <chrono>
#include <random>

#include "actors/gateway/client/client_wire.hpp"
#include "messages/system.hpp"
#include "runtime/actor_context.hpp"

namespace infergrid {
namespace {

using clock_type = std::chrono::steady_clock;

std::int64_t remaining_ms(clock_type::time_point deadline) {
  return std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count());
}

// Receives one [empty][envelope] message within the deadline.
result<envelope> receive(zmq::socket_t& socket, clock_type::time_point deadline, bool expect_delimiter) {
  try {
    zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds(remaining_ms(deadline))) == 0) {
      return make_error(error_code::timeout, "no answer from the gateway in time");
    }
    std::vector<zmq::message_t> frames;
    zmq::message_t frame;
    // Bounded: a client message has at most a delimiter and an envelope.
    for (int i = 0; i < 4; ++i) {
      if (!socket.recv(frame, zmq::recv_flags::none)) break;
      const bool more = frame.more();
      frames.push_back(std::move(frame));
      if (!more) break;
    }
    const std::size_t body = expect_delimiter ? 1 : 0;
    if (frames.size() != body + 1) return make_error(error_code::malformed_input, "unexpected frames from the gateway");
    return decode_envelope({static_cast<const std::uint8_t*>(frames[body].data()), frames[body].size()});
  } catch (const zmq::error_t& e) {
    return make_error(error_code::io_error, std::string("client socket: ") + e.what());
  }
}

}  // namespace

infergrid_client::infergrid_client(std::string endpoint, std::string server_key)
    : endpoint_(std::move(endpoint)), server_key_(std::move(server_key)), context_(1) {
  if (!server_key_.empty()) own_keys_ = generate_curve_keypair().value();
}

void infergrid_client::secure(zmq::socket_t& socket) const {
  if (!server_key_.empty()) make_curve_client(socket, own_keys_, server_key_);
}

infergrid_client::~infergrid_client() = default;

std::string infergrid_client::next_request_id() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  return "r" + std::to_string(random() % 1000000000) + "-" + std::to_string(next_request_++);
}

template <message Reply, message Request>
result<Reply> infergrid_client::ask(const Request& request, std::int64_t timeout_ms) {
  const auto deadline = clock_type::now() + std::chrono::milliseconds(timeout_ms);
  const std::uint64_t message_id = next_message_id_++;
  try {
    // A fresh REQ socket per call: a REQ that timed out cannot send again.
    zmq::socket_t req(context_, zmq::socket_type::req);
    req.set(zmq::sockopt::linger, 0);
    secure(req);
    req.connect(endpoint_);
    const auto bytes = encode_client_message(request, message_id, 0, client_sender_name);
    (void)req.send(zmq::buffer(bytes), zmq::send_flags::none);
    auto reply = receive(req, deadline, false);
    if (!reply.ok()) return reply.err();
    return actor_context::decode_reply<Reply>(*reply);
  } catch (const zmq::error_t& e) {
    return make_error(error_code::io_error, std::string("client socket: ") + e.what());
  }
}

result<completion_result> infergrid_client::complete(inference_request request, std::int64_t timeout_ms) {
  if (request.request_id.empty()) request.request_id = next_request_id();
  request.stream = false;
  return ask<completion_result>(request, timeout_ms);
}

result<supply_report> infergrid_client::supply(const std::string& model, std::int64_t timeout_ms) {
  return ask<supply_report>(supply_request{model}, timeout_ms);
}

zmq::socket_t& infergrid_client::dealer() {
  if (dealer_.handle() == nullptr) {
    dealer_ = zmq::socket_t(context_, zmq::socket_type::dealer);
    dealer_.set(zmq::sockopt::linger, 0);
    secure(dealer_);
    dealer_.connect(endpoint_);
  }
  return dealer_;
}

result<completion_result> infergrid_client::stream(inference_request request,
                                                   const std::function<bool(const token_chunk&)>& on_chunk,
                                                   std::int64_t timeout_ms) {
  if (request.request_id.empty()) request.request_id = next_request_id();
  request.stream = true;
  const auto deadline = clock_type::now() + std::chrono::milliseconds(timeout_ms);
  const std::uint64_t message_id = next_message_id_++;
  completion_result out;
  out.request_id = request.request_id;
  try {
    zmq::socket_t& socket = dealer();
    const auto bytes = encode_client_message(request, message_id, 0, client_sender_name);
    (void)socket.send(zmq::message_t(), zmq::send_flags::sndmore);
    (void)socket.send(zmq::buffer(bytes), zmq::send_flags::none);
    // Bounded by the deadline: every wait below ends at it.
    while (true) {
      auto in = receive(socket, deadline, true);
      if (!in.ok()) return in.err();
      if (in->correlation_id != message_id && in->correlation_id != 0) continue;  // an older request's leftovers
      auto chunk = actor_context::decode_reply<token_chunk>(*in);
      if (!chunk.ok()) return chunk.err();
      append_chunk(out, *chunk);
      if (on_chunk && !on_chunk(*chunk)) {
        const auto cancel = encode_client_message(cancel_inference{request.request_id}, next_message_id_++, 0, client_sender_name);
        (void)socket.send(zmq::message_t(), zmq::send_flags::sndmore);
        (void)socket.send(zmq::buffer(cancel), zmq::send_flags::none);
        return make_error(error_code::cancelled, "cancelled by the caller");
      }
      if (!chunk->finish_reason.empty()) {
        out.finish_reason = chunk->finish_reason;
        return out;
      }
    }
  } catch (const zmq::error_t& e) {
    return make_error(error_code::io_error, std::string("client socket: ") + e.what());
  }
}

}  // namespace infergrid

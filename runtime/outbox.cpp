#include "runtime/outbox.hpp"

namespace infergrid {

outbox::outbox(zmq::context_t& context, const directory& names, std::string reply_endpoint,
               const runtime_limits& limits)
    : context_(context), names_(names), reply_endpoint_(std::move(reply_endpoint)), limits_(limits) {}

zmq::socket_t* outbox::socket_for(const location& where) {
  auto found = sockets_.find(where.endpoint);
  if (found != sockets_.end()) return &found->second;
  zmq::socket_t socket(context_, where.local ? zmq::socket_type::push : zmq::socket_type::dealer);
  socket.set(zmq::sockopt::sndhwm, static_cast<int>(limits_.inbox_high_water_mark));
  socket.set(zmq::sockopt::sndtimeo, static_cast<int>(limits_.send_timeout_ms));
  socket.set(zmq::sockopt::linger, static_cast<int>(limits_.socket_linger_ms));
  socket.connect(where.endpoint);
  return &sockets_.emplace(where.endpoint, std::move(socket)).first->second;
}

result<const route*> outbox::route_to(std::string_view recipient) {
  auto cached = routes_.find(std::string(recipient));
  if (cached != routes_.end()) return &cached->second;
  auto where = names_.resolve(recipient);
  if (!where.ok()) return where.err();
  if (routes_.size() >= static_cast<std::size_t>(limits_.max_cached_routes)) {
    routes_.clear();
    sockets_.clear();
  }
  zmq::socket_t* socket = nullptr;
  try {
    socket = socket_for(*where);
  } catch (const zmq::error_t& e) {
    return make_error(error_code::io_error, "cannot connect to " + where->endpoint + ": " + e.what());
  }
  route entry{where->address, where->actor, where->local, socket};
  return &routes_.emplace(std::string(recipient), std::move(entry)).first->second;
}

status outbox::deliver(const route& to, std::span<const std::uint8_t> envelope_bytes) {
  try {
    if (to.local) {
      auto sent = to.socket->send(zmq::const_buffer(envelope_bytes.data(), envelope_bytes.size()), zmq::send_flags::none);
      if (!sent) return make_error(error_code::unavailable, "inbox of " + to.address + " is full");
      return {};
    }
    const std::string& node = names_.node_name();
    // Multipart messages are queued atomically: once the first frame is accepted the rest are too.
    auto first = to.socket->send(zmq::buffer(to.actor), zmq::send_flags::sndmore);
    if (!first) return make_error(error_code::unavailable, "queue to " + to.address + " is full");
    to.socket->send(zmq::buffer(node), zmq::send_flags::sndmore);
    to.socket->send(zmq::buffer(reply_endpoint_), zmq::send_flags::sndmore);
    auto sent = to.socket->send(zmq::const_buffer(envelope_bytes.data(), envelope_bytes.size()), zmq::send_flags::none);
    if (!sent) return make_error(error_code::unavailable, "queue to " + to.address + " is full");
    return {};
  } catch (const zmq::error_t& e) {
    return make_error(error_code::io_error, "sending to " + to.address + ": " + e.what());
  }
}

}  // namespace infergrid

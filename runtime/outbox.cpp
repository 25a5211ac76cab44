#include "runtime/outbox.hpp"

#include "runtime/socket_ipv6.hpp"

namespace infergrid {

std::string encode_route(std::string_view actor, std::string_view sender_node, std::string_view reply_endpoint) {
  std::string out;
  out.reserve(actor.size() + sender_node.size() + reply_endpoint.size() + 2);
  out.append(actor).append(1, '\n').append(sender_node).append(1, '\n').append(reply_endpoint);
  return out;
}

bool decode_route(std::string_view frame, remote_route& out) {
  const auto first = frame.find('\n');
  if (first == std::string_view::npos) return false;
  const auto second = frame.find('\n', first + 1);
  if (second == std::string_view::npos || frame.find('\n', second + 1) != std::string_view::npos) return false;
  out.actor = frame.substr(0, first);
  out.sender_node = frame.substr(first + 1, second - first - 1);
  out.reply_endpoint = frame.substr(second + 1);
  return !out.actor.empty() && !out.sender_node.empty();
}

outbox::outbox(zmq::context_t& context, const directory& names, std::string reply_endpoint,
               const runtime_limits& limits, const transport_credentials& transport)
    : context_(context), names_(names), reply_endpoint_(std::move(reply_endpoint)), limits_(limits), transport_(transport) {}

zmq::socket_t* outbox::socket_for(const location& where) {
  // A peer that came back with a new transport key needs a new handshake, hence a new socket.
  const std::string cache_key = where.local ? where.endpoint : where.endpoint + "\n" + where.transport_key;
  auto found = sockets_.find(cache_key);
  if (found != sockets_.end()) return &found->second;
  if (auto kept = unclaimed_.find(cache_key); kept != unclaimed_.end()) {  // still where it was
    auto claimed = sockets_.emplace(cache_key, std::move(kept->second)).first;
    unclaimed_.erase(kept);
    return &claimed->second;
  }
  zmq::socket_t socket(context_, where.local ? zmq::socket_type::push : zmq::socket_type::dealer);
  socket.set(zmq::sockopt::sndhwm, static_cast<int>(limits_.inbox_high_water_mark));
  socket.set(zmq::sockopt::sndtimeo, static_cast<int>(limits_.send_timeout_ms));
  socket.set(zmq::sockopt::linger, static_cast<int>(limits_.socket_linger_ms));
  if (!where.local && transport_.curve()) make_curve_client(socket, transport_.own, where.transport_key);
  allow_ipv6_endpoint(socket, where.endpoint);
  socket.connect(where.endpoint);
  if (where.local) local_actors_[cache_key] = where.actor;
  return &sockets_.emplace(cache_key, std::move(socket)).first->second;
}

result<const route*> outbox::route_to(std::string_view recipient) {
  if (const std::uint64_t generation = names_.routes_generation(); generation != routes_generation_) {
    routes_.clear();  // a peer moved or a local actor left: resolve again (sockets stay cached by endpoint)
    routes_generation_ = generation;
    forget_gone_locals();
    retire_unclaimed_remotes();
  }
  auto cached = routes_.find(recipient);
  if (cached != routes_.end()) return &cached->second;
  auto where = names_.resolve(recipient);
  if (!where.ok()) return where.err();
  if (!where->local && transport_.curve() && where->transport_key.empty()) {
    return make_error(error_code::unavailable, "no transport key known for the node of '" + where->address +
                                                   "' (curve needs its peers[].transport_key)");
  }
  if (routes_.size() >= static_cast<std::size_t>(limits_.max_cached_routes)) {
    routes_.clear();
    sockets_.clear();
    unclaimed_.clear();
    local_actors_.clear();
  }
  zmq::socket_t* socket = nullptr;
  try {
    socket = socket_for(*where);
  } catch (const zmq::error_t& e) {
    return make_error(error_code::io_error, "cannot connect to " + where->endpoint + ": " + e.what());
  }
  route entry{where->address,
              where->local ? std::string() : encode_route(where->actor, names_.node_name(), reply_endpoint_),
              where->local, socket};
  return &routes_.emplace(std::string(recipient), std::move(entry)).first->second;
}

// A socket to a local inbox that is gone (a blocking call's, a stopped actor's) holds that inbox
// and two file descriptors until closed; each node::call would otherwise leave one behind.
void outbox::forget_gone_locals() {
  for (auto it = local_actors_.begin(); it != local_actors_.end();) {
    if (names_.has_local(it->second)) {
      ++it;
      continue;
    }
    sockets_.erase(it->first);
    it = local_actors_.erase(it);
  }
}

void outbox::retire_unclaimed_remotes() {
  unclaimed_.clear();  // closed: linger still lets what they hold go out if the peer is there
  for (auto it = sockets_.begin(); it != sockets_.end();) {
    if (local_actors_.count(it->first) != 0) {
      ++it;
      continue;
    }
    unclaimed_.emplace(it->first, std::move(it->second));
    it = sockets_.erase(it);
  }
}

status outbox::deliver(const route& to, std::span<const std::uint8_t> envelope_bytes) {
  return deliver(to, zmq::message_t(envelope_bytes.data(), envelope_bytes.size()));
}

status outbox::deliver(const route& to, zmq::message_t&& envelope_frame) {
  try {
    if (to.local) {
      auto sent = to.socket->send(envelope_frame, zmq::send_flags::none);
      if (!sent) return make_error(error_code::unavailable, "inbox of " + to.address + " is full");
      return {};
    }
    // Multipart messages are queued atomically: once the first frame is accepted the rest are too.
    auto first = to.socket->send(zmq::buffer(to.remote_header), zmq::send_flags::sndmore);
    if (!first) return make_error(error_code::unavailable, "queue to " + to.address + " is full");
    auto sent = to.socket->send(envelope_frame, zmq::send_flags::none);
    if (!sent) return make_error(error_code::unavailable, "queue to " + to.address + " is full");
    return {};
  } catch (const zmq::error_t& e) {
    return make_error(error_code::io_error, "sending to " + to.address + ": " + e.what());
  }
}

}  // namespace infergrid

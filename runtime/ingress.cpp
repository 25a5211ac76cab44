#include "runtime/ingress.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <string>

#include <sys/eventfd.h>
#include <unistd.h>

#include "messages/codec.hpp"
#include "runtime/actor_runner.hpp"
#include "runtime/descriptor_budget.hpp"
#include "runtime/link_binding.hpp"
#include "runtime/log.hpp"
#include "runtime/outbox.hpp"
#include "runtime/socket_ipv6.hpp"
#include "runtime/tcp_endpoint.hpp"

namespace infergrid {
namespace {

// Nodes whose reply endpoints the ingress remembers before it forgets them all and relearns.
constexpr std::size_t max_learned_nodes = 4096;
// The fds whose whole frames are counted (whole_frame_bytes.hpp): all below the process's limit,
// up to this many (8 bytes each, 2 MiB in all; a connection on a higher fd is not watched).
constexpr std::size_t max_counted_fds = 1 << 18;
// A sending node is told to the directory again at most this often (the directory forgets learned
// nodes silent for learned_peer_idle_ms; a shorter idle time refreshes more often, see below).
constexpr std::int64_t heard_refresh_ms = 1000;
// How often the ingress asks the directory to forget silent learned nodes; with no traffic the
// ingress thread wakes only this often (stop() wakes it at once through its eventfd).
constexpr std::int64_t forget_check_ms = 1000;
// The longest reply endpoint a route frame may name: tcp:// + a DNS name (253) + a port, with room.
// The node keeps the endpoints it learns (ingress cache, directory, route pins), so a longer one —
// up to the frame limit, megabytes, under each of thousands of fresh node names — would be memory
// a stranger chose.
constexpr std::size_t max_reply_endpoint_bytes = 320;

// Why a route frame's reply endpoint ("" = none named) cannot be replied to, or nothing. Only a
// tcp:// endpoint to connect to: replies follow it, so an ipc:// or inproc:// one would have this
// node connect to its own host's sockets (inproc:// to its own actors' inboxes).
std::optional<std::string> unusable_reply_endpoint(std::string_view endpoint) {
  if (endpoint.empty()) return std::nullopt;
  if (endpoint.size() > max_reply_endpoint_bytes) {
    return "a reply endpoint of " + std::to_string(endpoint.size()) + " bytes (at most " +
           std::to_string(max_reply_endpoint_bytes) + ")";
  }
  if (auto checked = check_tcp_endpoint(endpoint, endpoint_use::connect); !checked.ok()) {
    return "reply endpoint " + checked.err().message;
  }
  return std::nullopt;
}

// Why a route frame cannot be used, or nothing. Its actor and sender node names can be no longer
// than an address (an envelope's sender "node/actor" must start with the node), so a longer one —
// up to the frame limit — is dropped before anything logs or keeps it.
std::optional<std::string> unusable_route(const remote_route& route) {
  const std::size_t max_name_bytes = codec_limits{}.max_address_bytes;
  if (route.actor.size() > max_name_bytes || route.sender_node.size() > max_name_bytes) {
    return "an actor name of " + std::to_string(route.actor.size()) + " bytes or a sender node name of " +
           std::to_string(route.sender_node.size()) + " bytes (at most " + std::to_string(max_name_bytes) + ")";
  }
  if (auto unusable = unusable_reply_endpoint(route.reply_endpoint)) {
    return "from node " + std::string(route.sender_node) + ": " + *unusable;
  }
  return std::nullopt;
}

// A link-local reply endpoint (tcp://[fe80::2%eth0]:7400) names the interface on the sender's host
// (as the CLI binds it: actors/cli/reply_address.hpp); this host reaches that address through the
// interface the connection came in on, which libzmq names in the message's Peer-Address
// (fe80::2%lan0). The endpoint with this host's interface when the sender's address is the
// connection's (kept in `storage`), else `endpoint` as it is.
std::string_view with_local_interface(std::string_view endpoint, std::string_view peer_address, std::string& storage) {
  constexpr std::string_view prefix = "tcp://[";
  const std::size_t close = endpoint.find(']');
  if (!endpoint.starts_with(prefix) || close == std::string_view::npos) return endpoint;
  const std::string_view host = endpoint.substr(prefix.size(), close - prefix.size());
  const std::size_t zone = host.find('%');
  const std::size_t peer_zone = peer_address.find('%');
  if (zone == std::string_view::npos || peer_zone == std::string_view::npos) return endpoint;
  if (host.substr(0, zone) != peer_address.substr(0, peer_zone) || host == peer_address) return endpoint;
  storage.assign(prefix);
  storage.append(peer_address);
  storage.append(endpoint.substr(close));
  return storage;
}

}  // namespace

ingress::ingress(zmq::context_t& context, directory& names, const runtime_limits& limits,
                 const security_config& security, peer_trust& trust, const transport_credentials& transport,
                 const identity& signer, std::optional<signature> link_binding)
    : context_(context),
      names_(names),
      limits_(limits),
      transport_(transport),
      router_(context, zmq::socket_type::router),
      trust_(trust),
      gate_(names.node_name(), security, trust, [&names](std::string_view actor) -> std::optional<std::string> {
        if (!names.has_local(actor)) return std::nullopt;
        return names.kind_of(actor);
      }),
      whole_frames_(descriptor_limit(max_counted_fds)),
      stop_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      signer_(signer),
      link_binding_(std::move(link_binding)),
      sign_answers_(security.require_signatures),
      next_answer_id_(first_message_id()) {}

ingress::~ingress() {
  stop();
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

result<std::string> ingress::bind(const std::string& endpoint) {
  try {
    router_.set(zmq::sockopt::rcvhwm, static_cast<int>(limits_.inbox_high_water_mark));
    router_.set(zmq::sockopt::maxmsgsize, limits_.max_envelope_bytes + 4096);
    router_.set(zmq::sockopt::linger, 0);
    if (transport_.curve()) make_curve_server(router_, transport_.own);
    allow_ipv6_endpoint(router_, endpoint);
    router_.bind(endpoint);
    return router_.get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t& e) {
    return make_error(error_code::io_error, "cannot bind " + endpoint + ": " + e.what());
  }
}

void ingress::start(std::string reply_endpoint) {
  reply_endpoint_ = std::move(reply_endpoint);
  thread_ = std::thread([this] { run(); });
}

void ingress::stop() {
  stop_requested_.store(true);
  if (stop_fd_ >= 0) {
    const std::uint64_t one = 1;
    (void)!::write(stop_fd_, &one, sizeof one);
  }
  if (thread_.joinable()) thread_.join();
  if (router_.handle() != nullptr) router_.close();
}

void ingress::learn(const remote_route& header, std::string_view transport_key, bool admitted,
                    const public_key* route_signer, std::int64_t now_ms) {
  if (header.reply_endpoint.empty()) return;
  // Told again well before the directory forgets the node or its route pin lapses.
  const std::int64_t refresh_ms = std::min({heard_refresh_ms, limits_.learned_peer_idle_ms / 4, trust_.pin_idle_ms() / 4});
  auto known = learned_.find(header.sender_node);
  if (known != learned_.end() && known->second.endpoint == header.reply_endpoint &&
      known->second.transport_key == transport_key && now_ms - known->second.told_directory_ms < refresh_ms) {
    return;  // the common case, once per envelope: no allocation, no directory lock
  }
  // Only the key a node's route was learned from may move it; any admitted key confirms (and keeps
  // alive) the route it has (peer_trust::may_route); a refused envelope (its signature unverified,
  // being answered) may only introduce a node not yet known.
  if (!admitted && known != learned_.end()) return;
  if (admitted && route_signer != nullptr &&
      !trust_.may_route(header.sender_node, *route_signer, header.reply_endpoint, transport_key, now_ms)) {
    return;
  }
  if (known == learned_.end()) {
    if (learned_.size() >= max_learned_nodes) learned_.clear();
    known = learned_.emplace(std::string(header.sender_node), reply_route{}).first;
  }
  known->second = {std::string(header.reply_endpoint), std::string(transport_key), now_ms};
  names_.learn_peer(std::string(header.sender_node), std::string(header.reply_endpoint), std::string(transport_key), now_ms,
                    /*introduce_only=*/!admitted);
}

void ingress::forget_silent_peers(std::int64_t now_ms) {
  if (now_ms - last_forget_check_ms_ < forget_check_ms) return;
  last_forget_check_ms_ = now_ms;
  if (const auto forgotten = names_.forget_silent_peers(now_ms); forgotten > 0) {
    log(log_level::info, names_.node_name(), "ingress: forgot {} learned node(s) silent for over {} ms", forgotten,
        limits_.learned_peer_idle_ms);
  }
}

void ingress::refuse(const remote_route& header, const envelope& message, const error& why) {
  counters_.refused.fetch_add(1, std::memory_order_relaxed);
  if (!refusal_logs_.take(unix_now_ms())) return;
  log(log_level::warn, names_.node_name(), "ingress: refused {} from {} (node {}) to {}: {}", static_cast<int>(message.type),
      message.sender, header.sender_node, header.actor, why.message);
}

void ingress::answer_refusal(outbox& local, const remote_route& header, std::string_view link_key, const error& why,
                             std::int64_t now_ms) {
  if (!answers_refusal(incoming_, why) || !refusal_answers_.take(now_ms)) return;
  learn(header, link_key, false, nullptr, now_ms);  // where a node not yet known wants replies
  auto to = local.route_to(incoming_.sender);
  if (!to.ok() || (*to)->local) return;
  envelope answer = refusal_answer(incoming_, why, names_.node_name(), next_answer_id_++, now_ms);
  answer.recipient = (*to)->address;
  if (sign_answers_) sign_outgoing(answer, signer_, link_binding_);
  answer_buffer_.clear();
  encode_envelope(answer, answer_buffer_);
  if (!local.deliver(**to, answer_buffer_).ok()) counters_.dropped_undeliverable.fetch_add(1, std::memory_order_relaxed);
}

void ingress::run() {
  name_this_thread("ingress");
  outbox local(context_, names_, reply_endpoint_, limits_, transport_);
  // Blocks until an envelope or stop() arrives, or the next forget check is due: an idle node's
  // ingress wakes once per forget_check_ms, not on a short receive timeout.
  std::array<zmq::pollitem_t, 2> watched{zmq::pollitem_t{router_.handle(), 0, ZMQ_POLLIN, 0},
                                         zmq::pollitem_t{nullptr, stop_fd_, ZMQ_POLLIN, 0}};
  const std::size_t watched_count = stop_fd_ >= 0 ? 2 : 1;
  const auto wait = std::chrono::milliseconds(stop_fd_ >= 0 ? forget_check_ms : 50);
  while (!stop_requested_.load(std::memory_order_relaxed)) {
    forget_silent_peers(unix_now_ms());
    try {
      if (zmq::poll(watched.data(), watched_count, wait) == 0 || (watched[0].revents & ZMQ_POLLIN) == 0) continue;
      // Everything already queued, without polling again between envelopes (the forget check stays
      // due under traffic that never lets the queue drain).
      while (!stop_requested_.load(std::memory_order_relaxed) && receive_one(local)) forget_silent_peers(unix_now_ms());
    } catch (const zmq::error_t& e) {
      counters_.errors.fetch_add(1, std::memory_order_relaxed);
      log(log_level::warn, names_.node_name(), "ingress: {}", e.what());
    }
  }
}

bool ingress::receive_one(outbox& local) {
  // Frames: [peer id][route][envelope]; anything else is dropped.
  if (!router_.recv(frames_[0], zmq::recv_flags::dontwait)) return false;
  std::size_t count = 1;
  // The rest of a multipart message is already queued: these receives never wait.
  for (bool more = frames_[0].more(); more; ++count) {
    zmq::message_t& part = count < frames_.size() ? frames_[count] : surplus_;
    (void)router_.recv(part, zmq::recv_flags::none);
    whole_frames_.add(part, transport_.curve());
    more = part.more();
  }
  remote_route header;
  if (count != frames_.size() || frames_[2].size() == 0 || !decode_route(frames_[1].to_string_view(), header)) {
    counters_.dropped_malformed.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  if (auto unusable = unusable_route(header)) {
    counters_.dropped_malformed.fetch_add(1, std::memory_order_relaxed);
    log(log_level::debug, names_.node_name(), "ingress: dropped a route frame {}", *unusable);
    return true;
  }
  const codec_limits codec{static_cast<std::size_t>(limits_.max_envelope_bytes)};
  const std::span<const std::uint8_t> bytes{static_cast<const std::uint8_t*>(frames_[2].data()), frames_[2].size()};
  if (auto decoded = decode_envelope_into(bytes, codec, incoming_); !decoded.ok()) {
    counters_.dropped_malformed.fetch_add(1, std::memory_order_relaxed);
    log(log_level::debug, names_.node_name(), "ingress: malformed envelope from node {}: {}", header.sender_node,
        decoded.err().message);
    return true;
  }
  const std::int64_t now_ms = unix_now_ms();
  if (header.reply_endpoint.find('%') != std::string_view::npos) {
    const char* peer_address = zmq_msg_gets(frames_[2].handle(), "Peer-Address");  // nullptr when libzmq names none
    header.reply_endpoint = with_local_interface(header.reply_endpoint, peer_address != nullptr ? peer_address : "",
                                                 local_reply_endpoint_);
  }
  // Under curve the ZAP handler named the connection's key as its User-Id.
  const std::string_view link_key = transport_.curve() ? std::string_view(frames_[2].gets("User-Id")) : std::string_view();
  if (auto admitted = gate_.admit(header, incoming_, link_key, now_ms); !admitted.ok()) {
    refuse(header, incoming_, admitted.err());
    answer_refusal(local, header, link_key, admitted.err(), now_ms);
    return true;
  }
  counters_.received.fetch_add(1, std::memory_order_relaxed);
  learn(header, link_key, true, incoming_.signature ? &incoming_.signature->signer : nullptr, now_ms);
  // A bare name resolves to a local actor first; anything else is not for this node.
  auto target = local.route_to(header.actor);
  if (!target.ok() || !(*target)->local || header.actor.find('/') != std::string_view::npos) {
    counters_.dropped_undeliverable.fetch_add(1, std::memory_order_relaxed);
    log(log_level::debug, names_.node_name(), "ingress: no local actor '{}'", header.actor);
    return true;
  }
  if (!local.deliver(**target, std::move(frames_[2])).ok()) {
    counters_.dropped_undeliverable.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  counters_.sent.fetch_add(1, std::memory_order_relaxed);
  return true;
}

}  // namespace infergrid

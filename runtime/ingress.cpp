#include "runtime/ingress.hpp"

#include <array>
#include <chrono>

#include "runtime/log.hpp"
#include "runtime/outbox.hpp"

namespace infergrid {
namespace {

// How often the ingress loop looks at its stop flag when no traffic arrives.
constexpr long stop_poll_ms = 50;
// Nodes whose reply endpoints the ingress remembers before it forgets them all and relearns.
constexpr std::size_t max_learned_nodes = 4096;

}  // namespace

ingress::ingress(zmq::context_t& context, directory& names, const runtime_limits& limits)
    : context_(context), names_(names), limits_(limits), router_(context, zmq::socket_type::router) {}

ingress::~ingress() { stop(); }

result<std::string> ingress::bind(const std::string& endpoint) {
  try {
    router_.set(zmq::sockopt::rcvhwm, static_cast<int>(limits_.inbox_high_water_mark));
    router_.set(zmq::sockopt::maxmsgsize, limits_.max_envelope_bytes + 4096);
    router_.set(zmq::sockopt::linger, 0);
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
  if (thread_.joinable()) thread_.join();
  if (router_.handle() != nullptr) router_.close();
}

void ingress::run() {
  outbox local(context_, names_, reply_endpoint_, limits_);
  while (!stop_requested_.load(std::memory_order_relaxed)) {
    zmq::pollitem_t item{router_.handle(), 0, ZMQ_POLLIN, 0};
    try {
      zmq::poll(&item, 1, std::chrono::milliseconds(stop_poll_ms));
      if ((item.revents & ZMQ_POLLIN) == 0) continue;
      // Frames: [peer id][actor][sender node][reply endpoint][envelope]; anything else is dropped.
      std::array<zmq::message_t, remote_frame_count + 1> frames;
      std::size_t count = 0;
      bool more = true;
      while (more) {
        zmq::message_t part;
        (void)router_.recv(part, zmq::recv_flags::none);
        more = part.more();
        if (count < frames.size()) frames[count] = std::move(part);
        ++count;
      }
      if (count != frames.size() || frames[4].size() == 0) {
        counters_.dropped_malformed.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      counters_.received.fetch_add(1, std::memory_order_relaxed);
      auto node = frames[2].to_string();
      auto reply_to = frames[3].to_string();
      auto known = learned_.find(node);
      if (!reply_to.empty() && (known == learned_.end() || known->second != reply_to)) {
        if (learned_.size() >= max_learned_nodes) learned_.clear();
        learned_[node] = reply_to;
        names_.learn_peer(node, reply_to);
      }
      auto target = local.route_to(names_.node_name() + "/" + frames[1].to_string());
      if (!target.ok() || !(*target)->local) {
        counters_.dropped_undeliverable.fetch_add(1, std::memory_order_relaxed);
        log(log_level::debug, names_.node_name(), "ingress: no local actor '{}'", frames[1].to_string());
        continue;
      }
      auto delivered = local.deliver(**target, {static_cast<const std::uint8_t*>(frames[4].data()), frames[4].size()});
      if (!delivered.ok()) {
        counters_.dropped_undeliverable.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      counters_.sent.fetch_add(1, std::memory_order_relaxed);
    } catch (const zmq::error_t& e) {
      counters_.errors.fetch_add(1, std::memory_order_relaxed);
      log(log_level::warn, names_.node_name(), "ingress: {}", e.what());
    }
  }
}

}  // namespace infergrid

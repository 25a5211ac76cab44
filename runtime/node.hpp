#pragma once
// node: one process's host for many actors on one ZeroMQ context. Actors reach each other by
// name ("node/actor" or "actor"); the node delivers over inproc:// inside the process and over
// tcp:// (DEALER -> ROUTER) to peers, as the config says — actor code never knows which.
//
//   auto grid = node::create(config);          // binds tcp if configured, builds the directory
//   grid.value()->start();                     // spawns every configured actor by kind
//   ...
//   grid.value()->stop();                      // drains in-flight messages, joins every actor
#include <atomic>
#include <memory>
#include <optional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "runtime/actor_runner.hpp"
#include "runtime/call_inboxes.hpp"
#include "runtime/config.hpp"
#include "runtime/directory.hpp"
#include "runtime/ingress.hpp"
#include "runtime/peer_trust.hpp"
#include "runtime/transport_security.hpp"
#include "runtime/zap_handler.hpp"

namespace infergrid {

class tcp_port_monitor;

class node {
 public:
  static result<std::unique_ptr<node>> create(node_config config);
  ~node();
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  // Spawns the actors named in the config, in order; stops at the first that fails.
  status start();
  // Spawns one more actor; `factory` builds its state (again after each crash).
  status spawn(const std::string& name, const std::string& kind, state_factory factory);
  template <class State, class... Args>
  status spawn_state(const std::string& name, Args... args) {
    return spawn(name, "custom", [args...](actor_context& ctx) -> result<std::unique_ptr<actor_state>> {
      return std::unique_ptr<actor_state>(new actor_state_holder<State>(std::make_unique<State>(ctx, args...)));
    });
  }
  // Actors spawned after this read now_ms() from `time` (a test's manual_clock), which must
  // outlive the node. Call before start().
  void use_clock(const clock& time);
  // Drains and stops every actor, then the tcp ingress. Idempotent.
  void stop();

  // Sends `message` from outside any actor (CLI, tests) and blocks for the reply.
  template <message Reply, message T>
  result<Reply> call(std::string_view to, const T& message, std::int64_t timeout_ms) {
    auto reply = call_raw(to, make_outgoing(message), timeout_ms);
    if (!reply.ok()) return reply.err();
    return actor_context::decode_reply<Reply>(*reply);
  }
  result<envelope> call_raw(std::string_view to, outgoing_message message, std::int64_t timeout_ms);

  std::vector<actor_metrics> metrics() const;
  const std::string& name() const { return config_.name; }
  // The tcp endpoint peers reach this node at ("" when in-process only).
  const std::string& endpoint() const { return services_->reply_endpoint; }
  directory& names() { return names_; }
  // The key this node signs with (security.identity, or a fresh one for this run).
  const identity& signer() const { return *signer_; }
  const node_config& config() const { return config_; }
  // plaintext or curve, with this node's transport key (public half: credentials.own.public_z85).
  const transport_credentials& transport() const { return transport_.credentials; }

 private:
  explicit node(node_config config);

  node_config config_;
  zmq::context_t context_;
  directory names_;
  std::unique_ptr<identity> signer_;
  std::unique_ptr<peer_trust> trust_;
  resolved_transport transport_;
  std::optional<signature> link_binding_;  // under curve: signer_'s binding of this node's transport key
  system_clock system_time_;
  std::unique_ptr<node_services> services_;
  std::unique_ptr<zap_handler> zap_;  // under curve with a bind: admits handshakes (stopped after the ingress)
  std::unique_ptr<ingress> ingress_;
  std::unique_ptr<tcp_port_monitor> port_monitor_;  // with a bind: accept failures, the per-IP cap, failed handshakes
  mutable std::mutex actors_mutex_;
  std::vector<std::unique_ptr<actor_runner>> actors_;
  std::set<std::string> starting_;  // names being spawned right now (guarded by actors_mutex_)
  bool stopped_ = false;
  std::unique_ptr<call_inboxes> calls_;  // last: its sockets close before the context, its names before names_
};

}  // namespace infergrid

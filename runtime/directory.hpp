#pragma once
// directory: resolves an actor's name to where it lives. Static entries come from the config
// (local actors, peers and the actors they host); learn_peer() is the seam for dynamic
// registration — the tcp ingress uses it to learn where to send replies to nodes it was not
// configured with. Learned nodes are forgotten once silent for learned_peer_idle_ms (and the
// longest-silent one makes room when max_learned_peers are known), so one-off senders cannot grow
// the directory forever; configured peers are never forgotten. Thread-safe.
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "runtime/result.hpp"

namespace infergrid {

struct location {
  bool local = false;
  std::string address;   // canonical "node/actor"
  std::string actor;     // the actor part
  std::string endpoint;  // inproc:// endpoint of a local actor's inbox, tcp:// of a remote node
  std::string transport_key;  // a remote node's CurveZMQ public key (Z85); "" = unknown or plaintext
};

std::string inbox_endpoint(std::string_view node, std::string_view actor);

// How long a learned node may stay silent and how many are kept (runtime_limits has the defaults).
struct learned_peer_limits {
  std::int64_t idle_ms = 600000;  // runtime_limits::learned_peer_idle_ms
  std::size_t max_peers = 4096;   // runtime_limits::max_learned_peers
};

class directory {
 public:
  explicit directory(std::string node_name, learned_peer_limits learned = {})
      : node_name_(std::move(node_name)), learned_limits_(learned) {}

  void add_local(const std::string& actor, const std::string& kind = {});
  void remove_local(const std::string& actor);
  // `transport_key`: the peer's CurveZMQ public key from the config; it is never replaced by a learned one.
  void add_peer(const std::string& node, const std::string& endpoint, const std::set<std::string>& actors,
                const std::string& transport_key = {});
  // Dynamic registration: remembers (or updates) where `node` answers, and the transport key it
  // authenticated with (its server key too: a node uses one transport key pair for both ends), and
  // that it was heard from at `now_ms` (Unix ms). Calling it again for a known node keeps it alive.
  // introduce_only: a node already known is left as it is (the ingress answering a refused envelope).
  void learn_peer(const std::string& node, const std::string& endpoint, const std::string& transport_key,
                  std::int64_t now_ms, bool introduce_only = false);
  // Forgets the learned (not configured) nodes silent for longer than learned_peer_idle_ms at
  // `now_ms`; returns how many. The ingress calls it as time passes.
  std::size_t forget_silent_peers(std::int64_t now_ms);
  // Nodes known only from their traffic, not from the config.
  std::size_t learned_peer_count() const;
  // Grows whenever a peer's endpoint changes or a local actor goes away, so outboxes drop routes
  // (and sockets to gone inboxes) they cached before: a worker restarted on a new port is reached
  // there at once, and a finished blocking call's inbox is not kept alive by a cached socket.
  std::uint64_t routes_generation() const { return routes_generation_.load(std::memory_order_acquire); }

  bool has_local(std::string_view actor) const;
  // The kind a local actor was started as ("" for unknown names and blocking calls).
  std::string kind_of(std::string_view actor) const;
  // "node/actor" or a bare "actor" (this node first, then the peers that list it).
  result<location> resolve(std::string_view address) const;
  const std::string& node_name() const { return node_name_; }

 private:
  struct peer {
    std::string endpoint;
    std::set<std::string> actors;
    std::string transport_key;
    bool transport_key_configured = false;
    bool configured = false;         // from the config (add_peer): never forgotten
    std::int64_t last_heard_ms = 0;  // learned nodes: the last learn_peer for it
  };
  bool silent(const peer& entry, std::int64_t now_ms) const {
    return !entry.configured && now_ms - entry.last_heard_ms > learned_limits_.idle_ms;
  }
  // Under mutex_: drops silent learned nodes, then the longest-silent one while the table is full.
  void make_room_for_a_learned_peer(std::int64_t now_ms);
  const std::string node_name_;
  const learned_peer_limits learned_limits_;
  mutable std::mutex mutex_;
  std::map<std::string, std::string, std::less<>> local_;  // actor -> kind
  std::map<std::string, peer, std::less<>> peers_;
  std::size_t learned_count_ = 0;  // entries of peers_ that are not configured
  std::atomic<std::uint64_t> routes_generation_{0};
};

}  // namespace infergrid

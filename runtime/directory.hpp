#pragma once
// directory: resolves an actor's name to where it lives. Static entries come from the config
// (local actors, peers and the actors they host); learn_peer() is the seam for dynamic
// registration — the tcp ingress uses it to learn where to send replies to nodes it was not
// configured with. Thread-safe.
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

class directory {
 public:
  explicit directory(std::string node_name) : node_name_(std::move(node_name)) {}

  void add_local(const std::string& actor, const std::string& kind = {});
  void remove_local(const std::string& actor);
  // `transport_key`: the peer's CurveZMQ public key from the config; it is never replaced by a learned one.
  void add_peer(const std::string& node, const std::string& endpoint, const std::set<std::string>& actors,
                const std::string& transport_key = {});
  // Dynamic registration: remembers (or updates) where `node` answers, and the transport key it
  // authenticated with (its server key too: a node uses one transport key pair for both ends).
  void learn_peer(const std::string& node, const std::string& endpoint, const std::string& transport_key = {});
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
  };
  const std::string node_name_;
  mutable std::mutex mutex_;
  std::map<std::string, std::string, std::less<>> local_;  // actor -> kind
  std::map<std::string, peer, std::less<>> peers_;
  std::atomic<std::uint64_t> routes_generation_{0};
};

}  // namespace infergrid

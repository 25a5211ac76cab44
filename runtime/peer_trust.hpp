#pragma once
// peer_trust: what a node knows about the keys that sign envelopes reaching it over tcp — the roles
// each key holds (security_config, configured peers; messages/authority.hpp) and which key each
// sending address ("node/actor") is pinned to: its configured peer key, else the first key seen.
// A configured peer's node key holds the coordinator role: `peers[].key`, else the first key that
// node signed with (trust on first use; configure the key to rule that out).
// A pin lapses after security.pin_idle_ms without traffic, so a host that returns with a new key rejoins.
// Thread-safe: the ingress pins, actors ask for roles.
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "messages/authority.hpp"
#include "runtime/config.hpp"
#include "runtime/identity.hpp"
#include "runtime/idle_map.hpp"

namespace infergrid {

class peer_trust {
 public:
  peer_trust(const security_config& security, const std::vector<peer_config>& peers);

  // Cumulative roles of `signer` sending from node `sender_node`.
  role_mask roles_of(const public_key& signer, std::string_view sender_node) const;
  // Pins `address` to `signer` (first sight) or checks it; an error says why it is refused.
  status pin(std::string_view address, const public_key& signer, std::int64_t now_ms);
  bool open_admission() const { return open_admission_; }
  // Whether an envelope `signer` signed from `node` may say that the node is at `endpoint` (its
  // reply endpoint, with `transport_key` the ZAP-authenticated key of the link under curve, "" in
  // plaintext), which the directory then routes the node's traffic to. The node's configured key
  // may; else, while the node's route pin is alive, the route it pins may be confirmed by any
  // admitted key — it moves nothing, and it keeps the pin alive, so a node whose first key falls
  // silent while another of its keys (a worker's miner key, its node key) keeps sending keeps its
  // route — but only the key the route was first learned from (trust on first use) may move it.
  // Another key — a stranger sending as "node/anything" under a fresh address pin — is still
  // delivered but never reroutes the node: without this, it could have the node's jobs (prompts)
  // and cancels sent to itself. The pin remembers the route itself, so nothing the ingress forgets
  // (its cache of routes) reopens it. It lapses after security.pin_idle_ms with no admitted traffic
  // on the route, so a host that returns with new keys rejoins.
  bool may_route(std::string_view node, const public_key& signer, std::string_view endpoint, std::string_view transport_key,
                 std::int64_t now_ms);
  // security.pin_idle_ms: silence after which a first-seen pin is forgotten.
  std::int64_t pin_idle_ms() const { return pin_idle_ms_; }

  // Pins held at once; beyond it the idle ones are forgotten first, then new senders refused.
  static constexpr std::size_t max_pins = 65536;
  // Pins (address and route pins together) the cleanup of idle ones has looked at so far.
  std::uint64_t cleanup_visits() const;

 private:

  const bool open_admission_;
  const std::int64_t pin_idle_ms_;
  std::set<public_key> members_;
  std::set<public_key> coordinators_;
  std::set<public_key> operators_;
  std::map<std::string, public_key, std::less<>> peer_keys_;  // configured peers with a key
  std::set<std::string, std::less<>> peer_nodes_;             // every configured peer
  mutable std::mutex mutex_;
  idle_map<public_key> pins_;  // address -> the key it is pinned to
  std::map<std::string, public_key, std::less<>> first_peer_keys_;  // configured peers without a key
  struct route_pin {
    public_key key{};           // the key that may move the route
    std::string endpoint;       // the route it pins
    std::string transport_key;  // under curve, the link's authenticated key; "" in plaintext
  };
  idle_map<route_pin> route_pins_;  // node -> where it is, and who may move it
};

}  // namespace infergrid

#include "runtime/peer_trust.hpp"

namespace infergrid {
namespace {

// Drops the pins of `pins` silent for longer than `idle_ms`.
template <class pin_map>
void forget_idle(pin_map& pins, std::int64_t idle_ms, std::int64_t now_ms) {
  std::erase_if(pins, [&](const auto& entry) { return now_ms - entry.second.last_seen_ms > idle_ms; });
}

}  // namespace

peer_trust::peer_trust(const security_config& security, const std::vector<peer_config>& peers)
    : open_admission_(security.open_admission),
      pin_idle_ms_(security.pin_idle_ms),
      members_(security.members.begin(), security.members.end()),
      coordinators_(security.coordinators.begin(), security.coordinators.end()),
      operators_(security.operators.begin(), security.operators.end()) {
  for (const auto& peer : peers) {
    peer_nodes_.insert(peer.name);
    if (peer.key) peer_keys_[peer.name] = *peer.key;
  }
}

role_mask peer_trust::roles_of(const public_key& signer, std::string_view sender_node) const {
  role_mask granted = role_anyone;
  if (open_admission_ || members_.count(signer) != 0) granted |= role_member;
  if (coordinators_.count(signer) != 0) granted |= role_coordinator;
  if (operators_.count(signer) != 0) granted |= role_operator;
  // A configured peer's node key is a coordinator's: the configured key, else the first key the
  // node signed with (pin() records it).
  if (peer_nodes_.count(sender_node) != 0) {
    auto key = peer_keys_.find(sender_node);
    if (key != peer_keys_.end()) {
      if (key->second == signer) granted |= role_coordinator;
    } else {
      std::lock_guard lock(mutex_);
      auto first = first_peer_keys_.find(sender_node);
      if (first != first_peer_keys_.end() && first->second == signer) granted |= role_coordinator;
    }
  }
  return with_implied_roles(granted);
}

status peer_trust::pin(std::string_view address, const public_key& signer, std::int64_t now_ms) {
  const std::string_view node = address.substr(0, address.find('/'));
  if (auto configured = peer_keys_.find(node); configured != peer_keys_.end() && configured->second != signer) {
    return make_error(error_code::permission_denied, "node " + std::string(node) + " is configured with key " +
                                                         to_hex(configured->second).substr(0, 16) + "…, signed by " +
                                                         to_hex(signer).substr(0, 16) + "…");
  }
  std::lock_guard lock(mutex_);
  if (peer_nodes_.count(node) != 0 && !peer_keys_.contains(node)) first_peer_keys_.try_emplace(std::string(node), signer);
  auto found = pins_.find(address);
  if (found != pins_.end() && now_ms - found->second.last_seen_ms > pin_idle_ms_) {
    pins_.erase(found);
    found = pins_.end();
  }
  if (found == pins_.end()) {
    if (pins_.size() >= max_pins) forget_idle(pins_, pin_idle_ms_, now_ms);
    if (pins_.size() >= max_pins) return make_error(error_code::unavailable, "too many senders pinned");
    pins_.emplace(std::string(address), pinned{signer, now_ms});
    return {};
  }
  if (found->second.key != signer) {
    return make_error(error_code::permission_denied, std::string(address) + " is pinned to key " +
                                                         to_hex(found->second.key).substr(0, 16) + "…, signed by " +
                                                         to_hex(signer).substr(0, 16) + "…");
  }
  found->second.last_seen_ms = now_ms;
  return {};
}

bool peer_trust::may_route(std::string_view node, const public_key& signer, std::string_view endpoint,
                           std::string_view transport_key, std::int64_t now_ms) {
  if (auto configured = peer_keys_.find(node); configured != peer_keys_.end()) return configured->second == signer;
  std::lock_guard lock(mutex_);
  auto found = route_pins_.find(node);
  if (found != route_pins_.end() && now_ms - found->second.last_seen_ms <= pin_idle_ms_) {
    route_pin& pin = found->second;
    const bool same_route = pin.endpoint == endpoint && pin.transport_key == transport_key;
    if (!same_route && pin.key != signer) return false;
    if (!same_route) pin = {pin.key, std::string(endpoint), std::string(transport_key), now_ms};
    pin.last_seen_ms = now_ms;
    return true;
  }
  if (found == route_pins_.end() && route_pins_.size() >= max_pins) {
    forget_idle(route_pins_, pin_idle_ms_, now_ms);
    if (route_pins_.size() >= max_pins) return false;
  }
  route_pins_.insert_or_assign(std::string(node), route_pin{signer, std::string(endpoint), std::string(transport_key), now_ms});
  return true;
}

}  // namespace infergrid

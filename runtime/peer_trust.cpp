#include "runtime/peer_trust.hpp"

namespace infergrid {

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
  auto* found = pins_.find(address);
  if (found != nullptr && now_ms - found->last_seen_ms() > pin_idle_ms_) {
    pins_.erase(address);
    found = nullptr;
  }
  if (found == nullptr) {
    if (pins_.size() >= max_pins) pins_.forget_idle(pin_idle_ms_, now_ms);
    if (pins_.size() >= max_pins) return make_error(error_code::unavailable, "too many senders pinned");
    pins_.put(address, signer, now_ms);
    return {};
  }
  if (found->value != signer) {
    return make_error(error_code::permission_denied, std::string(address) + " is pinned to key " +
                                                         to_hex(found->value).substr(0, 16) + "…, signed by " +
                                                         to_hex(signer).substr(0, 16) + "…");
  }
  pins_.seen(address, now_ms);
  return {};
}

bool peer_trust::may_route(std::string_view node, const public_key& signer, std::string_view endpoint,
                           std::string_view transport_key, std::int64_t now_ms) {
  if (auto configured = peer_keys_.find(node); configured != peer_keys_.end()) return configured->second == signer;
  std::lock_guard lock(mutex_);
  auto* found = route_pins_.find(node);
  if (found != nullptr && now_ms - found->last_seen_ms() <= pin_idle_ms_) {
    route_pin& pin = found->value;
    const bool same_route = pin.endpoint == endpoint && pin.transport_key == transport_key;
    if (!same_route && pin.key != signer) return false;
    if (!same_route) pin = {pin.key, std::string(endpoint), std::string(transport_key)};
    route_pins_.seen(node, now_ms);
    return true;
  }
  if (found == nullptr && route_pins_.size() >= max_pins) {
    route_pins_.forget_idle(pin_idle_ms_, now_ms);
    if (route_pins_.size() >= max_pins) return false;
  }
  route_pins_.put(node, route_pin{signer, std::string(endpoint), std::string(transport_key)}, now_ms);
  return true;
}

std::uint64_t peer_trust::cleanup_visits() const {
  std::lock_guard lock(mutex_);
  return pins_.entries_visited() + route_pins_.entries_visited();
}

}  // namespace infergrid

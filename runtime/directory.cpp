#include "runtime/directory.hpp"

#include <algorithm>

namespace infergrid {

// Every node of a process has its own ZeroMQ context, so inproc names only need to be unique per node.
std::string inbox_endpoint(std::string_view node, std::string_view actor) {
  return "inproc://infergrid/" + std::string(node) + "/" + std::string(actor);
}

void directory::add_local(const std::string& actor, const std::string& kind) {
  std::lock_guard lock(mutex_);
  local_[actor] = kind;
}

std::string directory::kind_of(std::string_view actor) const {
  std::lock_guard lock(mutex_);
  auto found = local_.find(actor);
  return found == local_.end() ? std::string() : found->second;
}

void directory::remove_local(const std::string& actor) {
  std::lock_guard lock(mutex_);
  local_.erase(actor);
  routes_generation_.fetch_add(1, std::memory_order_release);
}

bool directory::has_local(std::string_view actor) const {
  std::lock_guard lock(mutex_);
  return local_.find(actor) != local_.end();
}

void directory::add_peer(const std::string& node, const std::string& endpoint, const std::set<std::string>& actors,
                         const std::string& transport_key) {
  std::lock_guard lock(mutex_);
  auto& entry = peers_[node];
  if (!entry.configured && !entry.endpoint.empty()) --learned_count_;  // a learned node now configured
  entry.configured = true;
  entry.endpoint = endpoint;
  if (!transport_key.empty()) {
    entry.transport_key = transport_key;
    entry.transport_key_configured = true;
  }
  entry.actors.insert(actors.begin(), actors.end());
  routes_generation_.fetch_add(1, std::memory_order_release);
}

void directory::learn_peer(const std::string& node, const std::string& endpoint, const std::string& transport_key,
                           std::int64_t now_ms, bool introduce_only) {
  if (node == node_name_ || endpoint.empty()) return;
  std::lock_guard lock(mutex_);
  auto found = peers_.find(node);
  if (introduce_only && found != peers_.end()) return;
  if (found == peers_.end()) {
    make_room_for_a_learned_peer(now_ms);
    found = peers_.emplace(node, peer{}).first;
    ++learned_count_;
  }
  peer& known = found->second;
  known.last_heard_ms = std::max(known.last_heard_ms, now_ms);
  const bool new_key = !transport_key.empty() && !known.transport_key_configured && known.transport_key != transport_key;
  if (known.endpoint == endpoint && !new_key) return;
  known.endpoint = endpoint;
  if (new_key) known.transport_key = transport_key;
  routes_generation_.fetch_add(1, std::memory_order_release);
}

void directory::make_room_for_a_learned_peer(std::int64_t now_ms) {
  if (learned_count_ < learned_limits_.max_peers) return;
  const std::size_t before = peers_.size();
  std::erase_if(peers_, [&](const auto& entry) { return silent(entry.second, now_ms); });
  learned_count_ -= before - peers_.size();
  if (learned_count_ >= learned_limits_.max_peers) {
    auto oldest = peers_.end();
    for (auto it = peers_.begin(); it != peers_.end(); ++it) {
      if (!it->second.configured && (oldest == peers_.end() || it->second.last_heard_ms < oldest->second.last_heard_ms)) {
        oldest = it;
      }
    }
    if (oldest != peers_.end()) {
      peers_.erase(oldest);
      --learned_count_;
    }
  }
  routes_generation_.fetch_add(1, std::memory_order_release);
}

std::size_t directory::forget_silent_peers(std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  const std::size_t before = peers_.size();
  std::erase_if(peers_, [&](const auto& entry) { return silent(entry.second, now_ms); });
  const std::size_t forgotten = before - peers_.size();
  if (forgotten == 0) return 0;
  learned_count_ -= forgotten;
  // Outboxes drop their cached routes and sockets to the forgotten nodes.
  routes_generation_.fetch_add(1, std::memory_order_release);
  return forgotten;
}

std::size_t directory::learned_peer_count() const {
  std::lock_guard lock(mutex_);
  return learned_count_;
}

result<location> directory::resolve(std::string_view address) const {
  std::lock_guard lock(mutex_);
  const auto slash = address.find('/');
  if (slash == std::string_view::npos) {
    if (local_.count(address) != 0) {
      return location{true, node_name_ + "/" + std::string(address), std::string(address),
                      inbox_endpoint(node_name_, address)};
    }
    for (const auto& [node, entry] : peers_) {
      if (entry.actors.count(std::string(address)) != 0) {
        return location{false, node + "/" + std::string(address), std::string(address), entry.endpoint,
                        entry.transport_key};
      }
    }
    return make_error(error_code::not_found, "no actor named '" + std::string(address) + "' on this node or its peers");
  }
  const auto node = address.substr(0, slash);
  const auto actor = address.substr(slash + 1);
  if (node == node_name_) {
    if (local_.count(actor) == 0) return make_error(error_code::not_found, "no actor '" + std::string(address) + "'");
    return location{true, std::string(address), std::string(actor), inbox_endpoint(node_name_, actor)};
  }
  auto found = peers_.find(node);
  if (found == peers_.end() || found->second.endpoint.empty()) {
    return make_error(error_code::not_found, "unknown node '" + std::string(node) + "' in address '" + std::string(address) + "'");
  }
  return location{false, std::string(address), std::string(actor), found->second.endpoint, found->second.transport_key};
}

}  // namespace infergrid

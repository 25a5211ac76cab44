#include "runtime/envelope_gate.hpp"

#include "messages/codec.hpp"
#include "messages/message_registry.hpp"

namespace infergrid {
namespace {

error refused(error_code code, std::string why) { return make_error(code, std::move(why)); }

// The node part of a recipient "<node>/<actor>" that names the route's actor on another node than
// `node_name` (a sender with a wrong node name for this endpoint); "" for any other recipient.
std::string_view other_node_named(const envelope& m, const remote_route& route, std::string_view node_name) {
  const std::string_view recipient = m.recipient;
  const auto slash = recipient.find('/');
  if (slash == std::string_view::npos || slash == 0 || recipient.substr(slash + 1) != route.actor) return {};
  const std::string_view named = recipient.substr(0, slash);
  return named == node_name ? std::string_view{} : named;
}

}  // namespace

envelope_gate::envelope_gate(std::string node_name, const security_config& security, peer_trust& trust,
                             kind_lookup kind_of)
    : node_name_(std::move(node_name)),
      require_signatures_(security.require_signatures),
      trust_(trust),
      kind_of_(std::move(kind_of)),
      replays_(security.replay_window_ms, static_cast<std::size_t>(security.max_tracked_senders)) {}

status envelope_gate::check_addresses(const remote_route& route, const envelope& m) const {
  const auto slash = m.sender.find('/');
  if (slash == std::string::npos || std::string_view(m.sender).substr(0, slash) != route.sender_node) {
    return refused(error_code::malformed_input, "sender " + m.sender + " is not on node " + std::string(route.sender_node));
  }
  if (route.sender_node == node_name_) {
    return refused(error_code::malformed_input, "a remote envelope claims this node's own name");
  }
  const std::string expected = node_name_ + "/" + std::string(route.actor);
  // Another node's name for this actor: refused after the signature check (admit), and answered.
  if (m.recipient != expected && m.recipient != route.actor && other_node_named(m, route, node_name_).empty()) {
    return refused(error_code::malformed_input, "recipient " + m.recipient + " does not match the route to " + expected);
  }
  return {};
}

status envelope_gate::check_signature(const envelope& m, std::string_view link_key) {
  if (m.signature->scope == signature_scope::envelope) return verify_envelope(m, true);
  if (link_key.empty()) {
    return refused(error_code::bad_signature, "a link-bound envelope came over a plaintext link (it needs CurveZMQ)");
  }
  if (!links_.holds(m.signature->signer, link_key, m.signature->value)) {
    return refused(error_code::bad_signature, "the signer's link binding does not name transport key " +
                                                  std::string(link_key.substr(0, 8)) + "… of the connection it came on");
  }
  return {};
}

status envelope_gate::admit(const remote_route& route, const envelope& m, std::string_view link_key, std::int64_t now_ms) {
  const message_info* info = find_message(m.type);
  if (info == nullptr || m.message_version == 0 || m.message_version > info->version) {
    return refused(error_code::unsupported, "message type " + std::to_string(static_cast<int>(m.type)) + " version " +
                                                std::to_string(m.message_version) + " is not known here");
  }
  IG_TRY(check_addresses(route, m));
  // Addressed to this endpoint under another node's name (a client's wrong --node): not_found,
  // answered to a verified sender like a missing actor, so it learns the name at once.
  const std::string_view other_node = other_node_named(m, route, node_name_);
  const auto wrong_node = [&] {
    return refused(error_code::not_found, "this is node " + node_name_ + ", not '" + std::string(other_node) +
                                              "' (the envelope was addressed to " + m.recipient + ")");
  };
  if (!m.signature) {
    if (require_signatures_) return refused(error_code::bad_signature, "envelope is not signed");
    if (!other_node.empty()) return wrong_node();
    return {};  // signatures off: the network is trusted
  }
  IG_TRY(check_signature(m, link_key));
  // Another key than the one this address is pinned to: an impersonation, refused like a bad signature.
  if (auto pinned = trust_.pin(m.sender, m.signature->signer, now_ms); !pinned.ok()) {
    return refused(error_code::bad_signature, pinned.err().message);
  }
  if (!other_node.empty()) return wrong_node();
  const std::optional<std::string> found = kind_of_(route.actor);
  // No actor of that name here: say so (it used to read as a missing authority, "needs a local
  // sender authority", which sent operators looking at keys and admission instead of the address).
  if (!found) return refused(error_code::not_found, "node " + node_name_ + " has no actor '" + std::string(route.actor) + "'");
  const std::string& kind = *found;
  const role_mask allowed = allowed_senders(kind, m.type);
  const role_mask held = trust_.roles_of(m.signature->signer, route.sender_node);
  if ((allowed & held) == 0) {
    return refused(error_code::permission_denied,
                   std::string(info->name) + " to " + (kind.empty() ? std::string(route.actor) : kind) + " needs " +
                       (allowed == 0 ? std::string("a local sender") : std::string(role_name(allowed & -allowed))) +
                       " authority; key " + to_hex(m.signature->signer).substr(0, 16) + "… holds " +
                       std::string(role_name(held)));
  }
  return replays_.admit(m, now_ms);
}

}  // namespace infergrid

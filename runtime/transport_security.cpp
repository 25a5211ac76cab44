#include "runtime/transport_security.hpp"

namespace infergrid {
namespace {

error startup_error(const node_config& config, std::string_view key, const std::string& what) {
  return make_error(error_code::invalid_argument, config.source + ": " + std::string(key) + ": " + what);
}

}  // namespace

std::string_view to_string(transport_mode mode) { return mode == transport_mode::curve ? "curve" : "plaintext"; }

result<resolved_transport> resolve_transport(const node_config& config) {
  resolved_transport out;
  out.peer_keys.resize(config.peers.size());
  const security_config& security = config.security;
  const bool uses_tcp = !config.bind.empty() || !config.peers.empty();
  if (security.transport == transport_mode::plaintext || !uses_tcp) return out;

  out.credentials.mode = transport_mode::curve;
  if (security.transport_key_path.empty() && security.transport_key_secret.empty()) {
    return startup_error(config, "security.transport_key",
                         "security.transport is curve (the default) but no transport key is set: run `infergrid keygen "
                         "--out DIR` and set `transport_key: DIR/transport.key` (or `transport: plaintext` on an "
                         "isolated network only)");
  }
  auto own = security.transport_key_path.empty() ? curve_keypair_from_secret(security.transport_key_secret)
                                                 : load_curve_secret(security.transport_key_path);
  if (!own.ok()) return startup_error(config, "security.transport_key", own.err().message);
  out.credentials.own = *own;
  out.admission.admit_any = security.open_admission;
  out.admission.keys.insert(own->public_z85);  // this node's own tools (`infergrid ping --config`)
  for (const auto& entry : security.transport_members) {
    auto key = parse_curve_public(entry);
    if (!key.ok()) return startup_error(config, "security.transport_members", key.err().message);
    out.admission.keys.insert(*key);
  }
  for (std::size_t i = 0; i < config.peers.size(); ++i) {
    const auto& peer = config.peers[i];
    const std::string where = "peers[" + std::to_string(i) + "].transport_key";
    if (peer.transport_key.empty()) {
      return startup_error(config, where,
                           "peer " + peer.name + " has no transport key, which curve needs to reach it: set it to the "
                           "peer's transport.pub (its public key, never its transport.key)");
    }
    auto key = parse_curve_public(peer.transport_key);
    if (!key.ok()) return startup_error(config, where, key.err().message);
    out.peer_keys[i] = *key;
    out.admission.keys.insert(*key);  // a configured peer connects back with the same key
  }
  return out;
}

}  // namespace infergrid

#include "runtime/config.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include "runtime/actor_kind_registry.hpp"
#include "runtime/tcp_endpoint.hpp"
#include "runtime/yaml_duplicate_keys.hpp"

namespace infergrid {
namespace {

constexpr std::size_t max_name_length = 64;

error invalid(const settings& at, std::string_view key, const std::string& what) {
  return make_error(error_code::invalid_argument, at.where(key) + ": " + what);
}

result<std::string> require_name(const settings& at, std::string_view key) {
  auto name = at.require<std::string>(key);
  if (!name.ok()) return name.err();
  if (!valid_name(*name)) {
    return invalid(at, key, "'" + *name + "' is not a valid name (letters, digits, _ - . ; at most 64)");
  }
  return name;
}

status check_endpoint(const settings& at, std::string_view key, const std::string& endpoint, endpoint_use use) {
  if (status checked = check_tcp_endpoint(endpoint, use); !checked.ok()) return invalid(at, key, checked.err().message);
  return {};
}

status parse_node(const settings& root, node_config& out) {
  if (!root.has("node")) return invalid(root, {}, "missing key 'node'");
  const settings node = root.child("node");
  if (!node.yaml().IsMap()) return invalid(root, "node", "expected a mapping");
  IG_TRY(node.reject_unknown_keys({"name", "bind", "advertise"}));
  auto name = require_name(node, "name");
  if (!name.ok()) return name.err();
  out.name = *name;
  auto bind = node.get<std::string>("bind", "");
  if (!bind.ok()) return bind.err();
  if (!bind->empty()) IG_TRY(check_endpoint(node, "bind", *bind, endpoint_use::bind));
  out.bind = *bind;
  auto advertise = node.get<std::string>("advertise", "");
  if (!advertise.ok()) return advertise.err();
  if (!advertise->empty()) IG_TRY(check_endpoint(node, "advertise", *advertise, endpoint_use::connect));
  out.advertise = *advertise;
  return {};
}

// A cap on a client's unread bytes below one frame of the largest size would shut honest senders.
status check_unread_cap(const settings& root, const node_config& config) {
  const std::int64_t cap = config.security.max_unread_bytes_per_ip;
  const std::int64_t frame = config.limits.max_envelope_bytes + 4096;
  if (cap == 0 || cap >= frame) return {};
  const std::string why = "security.max_unread_bytes_per_ip (" + std::to_string(cap) +
                          ") must be 0 (no cap) or at least limits.max_envelope_bytes + 4096 (" + std::to_string(frame) + ")";
  const bool set_here = root.has("security") && root.child("security").has("max_unread_bytes_per_ip");
  return set_here ? invalid(root.child("security"), "max_unread_bytes_per_ip", why)
                  : invalid(root.child("limits"), "max_envelope_bytes", why);
}

status parse_limits(const settings& root, runtime_limits& limits) {
  if (!root.has("limits")) return {};
  const settings at = root.child("limits");
  if (!at.yaml().IsMap()) return invalid(root, "limits", "expected a mapping");
  struct entry {
    std::string_view key;
    std::int64_t* value;
  };
  const entry entries[] = {
      {"max_envelope_bytes", &limits.max_envelope_bytes},
      {"inbox_high_water_mark", &limits.inbox_high_water_mark},
      {"max_pending_requests", &limits.max_pending_requests},
      {"max_timers", &limits.max_timers},
      {"max_watches", &limits.max_watches},
      {"default_request_timeout_ms", &limits.default_request_timeout_ms},
      {"restart_backoff_initial_ms", &limits.restart_backoff_initial_ms},
      {"restart_backoff_max_ms", &limits.restart_backoff_max_ms},
      {"restart_backoff_reset_ms", &limits.restart_backoff_reset_ms},
      {"drain_quiet_ms", &limits.drain_quiet_ms},
      {"drain_timeout_ms", &limits.drain_timeout_ms},
      {"send_timeout_ms", &limits.send_timeout_ms},
      {"socket_linger_ms", &limits.socket_linger_ms},
      {"max_cached_routes", &limits.max_cached_routes},
      {"learned_peer_idle_ms", &limits.learned_peer_idle_ms},
      {"max_learned_peers", &limits.max_learned_peers},
  };
  std::vector<std::string_view> known;
  for (const auto& e : entries) known.push_back(e.key);
  IG_TRY(at.reject_unknown_keys(known));
  for (const auto& e : entries) {
    std::int64_t value = *e.value;
    IG_TRY(read_setting(at, e.key, value));
    IG_TRY(at.require_that(value > 0, e.key, "must be positive"));
    if (value > 0) *e.value = value;
  }
  return {};
}

status parse_peer(const settings& at, node_config& out) {
  if (!at.yaml().IsMap()) return invalid(at, {}, "expected a mapping with name and endpoint");
  IG_TRY(at.reject_unknown_keys({"name", "endpoint", "actors", "key", "transport_key"}));
  peer_config peer;
  auto name = require_name(at, "name");
  if (!name.ok()) return name.err();
  peer.name = *name;
  if (peer.name == out.name) return invalid(at, "name", "a peer cannot have this node's own name");
  auto endpoint = at.require<std::string>("endpoint");
  if (!endpoint.ok()) return endpoint.err();
  IG_TRY(check_endpoint(at, "endpoint", *endpoint, endpoint_use::connect));
  peer.endpoint = *endpoint;
  auto actors = at.get<std::vector<std::string>>("actors", {});
  if (!actors.ok()) return actors.err();
  peer.actors = *actors;
  if (at.has("key")) {
    auto entry = at.require<std::string>("key");
    if (!entry.ok()) return entry.err();
    auto key = parse_public_key(at, "key", *entry);
    if (!key.ok()) return key.err();
    peer.key = *key;
  }
  auto transport_key = at.get<std::string>("transport_key", "");
  if (!transport_key.ok()) return transport_key.err();
  peer.transport_key = *transport_key;
  out.peers.push_back(std::move(peer));
  return {};
}

status parse_peers(const settings& root, node_config& out) {
  if (!root.has("peers")) return {};
  const YAML::Node list = root.yaml()["peers"];
  if (!list.IsSequence()) return invalid(root, "peers", "expected a list");
  for (std::size_t i = 0; i < list.size(); ++i) {
    IG_TRY(root.report(parse_peer(root.element("peers", i), out)));
  }
  return {};
}

status parse_actor(const settings& at, std::set<std::string>& names, node_config& out) {
  if (!at.yaml().IsMap()) return invalid(at, {}, "expected a mapping with name and kind");
  IG_TRY(at.reject_unknown_keys({"name", "kind", "settings"}));
  actor_config actor;
  auto kind = at.require<std::string>("kind");
  if (!kind.ok()) return kind.err();
  if (find_actor_kind(*kind) == nullptr) {
    std::string known;
    for (const auto& k : actor_kinds()) known += (known.empty() ? "" : ", ") + k;
    return invalid(at, "kind", "unknown actor kind '" + *kind + "' (known: " + known + ")");
  }
  actor.kind = *kind;
  auto name = at.has("name") ? require_name(at, "name") : result<std::string>(actor.kind);
  if (!name.ok()) return name.err();
  actor.name = *name;
  if (!names.insert(actor.name).second) return invalid(at, "name", "duplicate actor name '" + actor.name + "'");
  if (at.has("settings") && !at.yaml()["settings"].IsMap()) return invalid(at, "settings", "expected a mapping");
  // Its own copy, which stops at the first error: the list of this read does not outlive it.
  actor.config = at.child("settings").stopping_at_first_error();
  out.actors.push_back(std::move(actor));
  return {};
}

status parse_actors(const settings& root, node_config& out) {
  if (!root.has("actors")) return invalid(root, {}, "missing key 'actors'");
  const YAML::Node list = root.yaml()["actors"];
  if (!list.IsSequence()) return invalid(root, "actors", "expected a list");
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    IG_TRY(root.report(parse_actor(root.element("actors", i), names, out)));
  }
  return {};
}

}  // namespace

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > max_name_length) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

node_config parse_config_listing_errors(const std::string& yaml_text, const std::string& source,
                                        settings_errors& errors) {
  node_config out;
  out.source = source;
  YAML::Node document;
  try {
    document = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    errors.push_back(make_error(error_code::invalid_argument,
                                source + ":" + std::to_string(e.mark.line + 1) + ": YAML syntax error: " + e.msg));
    return out;
  }
  if (status unique = reject_duplicate_keys(document, source); !unique.ok()) {
    errors.push_back(unique.err());
    return out;
  }
  const settings root = settings(document, source, "").listing_errors_in(errors);
  if (!document.IsMap()) {
    errors.push_back(invalid(root, {}, "expected a mapping with node and actors"));
    return out;
  }
  (void)root.reject_unknown_keys({"node", "limits", "security", "peers", "actors"});
  (void)root.report(parse_node(root, out));
  (void)root.report(parse_limits(root, out.limits));
  (void)root.report(parse_security(root, out.security));
  (void)root.report(check_unread_cap(root, out));
  (void)root.report(parse_peers(root, out));
  (void)root.report(parse_actors(root, out));
  return out;
}

error list_of_errors(const std::string& source, const std::vector<std::string>& lines) {
  if (lines.size() == 1) return make_error(error_code::invalid_argument, lines.front());
  std::string message = (source.empty() ? std::string("<config>") : source) + ": " + std::to_string(lines.size()) + " errors:";
  for (const auto& line : lines) message += "\n  " + line;
  return make_error(error_code::invalid_argument, message);
}

result<node_config> parse_config(const std::string& yaml_text, const std::string& source) {
  settings_errors errors;
  node_config out = parse_config_listing_errors(yaml_text, source, errors);
  if (errors.empty()) return out;
  std::vector<std::string> lines;
  for (const auto& e : errors) lines.push_back(e.message);
  return list_of_errors(source, lines);
}

result<std::string> read_config_text(const std::string& path) {
  std::ifstream file(path);
  if (!file) return make_error(error_code::not_found, "cannot open config file " + path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

result<node_config> load_config_file(const std::string& path) {
  auto text = read_config_text(path);
  if (!text.ok()) return text.err();
  return parse_config(*text, path);
}

}  // namespace infergrid

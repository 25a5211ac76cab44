#include "runtime/security_config.hpp"

#include <fstream>

#include "runtime/ip_prefix.hpp"
#include "runtime/key_file_kind.hpp"

namespace infergrid {
namespace {

error invalid(const settings& at, std::string_view key, const std::string& what) {
  return make_error(error_code::invalid_argument, at.where(key) + ": " + what);
}

status parse_key_list(const settings& at, std::string_view key, std::vector<public_key>& out) {
  auto entries = at.get<std::vector<std::string>>(key, {});
  if (!entries.ok()) return entries.err();
  for (const auto& entry : *entries) {
    auto parsed = parse_public_key(at, key, entry);
    if (!parsed.ok()) return parsed.err();
    out.push_back(*parsed);
  }
  return {};
}

// The path of one of this node's own secrets; a *.pub there is refused (key_file_kind.hpp).
status read_secret_path(const settings& at, std::string_view key, std::string& out) {
  auto path = at.get<std::string>(key, "");
  if (!path.ok()) return path.err();
  if (status kind = check_key_file_kind(*path, key_file_kind::secret); !kind.ok()) return invalid(at, key, kind.err().message);
  out = *path;
  return {};
}

status parse_connection_cap(const settings& at, security_config& out) {
  for (auto [key, value] : {std::pair{"max_connections_per_ip", &out.max_connections_per_ip},
                            std::pair{"max_connections", &out.max_connections},
                            std::pair{"max_pending_handshakes_per_ip", &out.max_pending_handshakes_per_ip},
                            std::pair{"max_unread_bytes_per_ip", &out.max_unread_bytes_per_ip}}) {
    auto cap = at.get<std::int64_t>(key, *value);
    if (!cap.ok()) return cap.err();
    if (*cap < 0) return invalid(at, key, "must be 0 (no cap) or positive");
    *value = *cap;
  }
  auto exempt = at.get<std::vector<std::string>>("connection_cap_exempt", out.connection_cap_exempt);
  if (!exempt.ok()) return exempt.err();
  out.connection_cap_exempt.clear();
  for (const auto& entry : *exempt) {
    auto range = ip_prefix::parse(entry);
    if (!range.ok()) return invalid(at, "connection_cap_exempt", range.err().message);
    out.connection_cap_exempt.push_back(range->text());
  }
  return {};
}

// The tcp port's ZMTP timers, in milliseconds as libzmq takes them (an int; a PING's TTL is in
// tenths of a second, at most 6553.5 s).
status parse_connection_timers(const settings& at, security_config& out) {
  constexpr std::int64_t max_ttl_ms = 6553500;
  struct timer {
    const char* key;
    std::int64_t* value;
    bool zero_allowed;  // 0 = off
  };
  for (const timer& each : {timer{"handshake_timeout_ms", &out.handshake_timeout_ms, false},
                            timer{"heartbeat_ms", &out.heartbeat_ms, true},
                            timer{"heartbeat_timeout_ms", &out.heartbeat_timeout_ms, false}}) {
    auto read = at.get<std::int64_t>(each.key, *each.value);
    if (!read.ok()) return read.err();
    if (*read < 0 || (*read == 0 && !each.zero_allowed)) {
      return invalid(at, each.key, each.zero_allowed ? "must be 0 (off) or positive" : "must be positive");
    }
    if (*read > max_ttl_ms) return invalid(at, each.key, "must be at most " + std::to_string(max_ttl_ms));
    *each.value = *read;
  }
  return {};
}

}  // namespace

result<public_key> parse_public_key(const settings& at, std::string_view key, const std::string& entry) {
  public_key parsed{};
  if (entry.size() == parsed.size() * 2 && from_hex(entry, parsed).ok()) return parsed;
  auto line = read_public_key_line(entry);
  if (!line.ok() && line.err().code == error_code::not_found) {
    return invalid(at, key, "'" + entry + "' is neither 64 hex digits nor a readable public key file");
  }
  if (!line.ok()) return invalid(at, key, line.err().message);
  if (status read = from_hex(*line, parsed); !read.ok()) {
    return invalid(at, key, "public key file " + entry + ": " + read.err().message);
  }
  return parsed;
}

status parse_security(const settings& root, security_config& out) {
  if (!root.has("security")) return {};
  const settings at = root.child("security");
  if (!at.yaml().IsMap()) return invalid(root, "security", "expected a mapping");
  IG_TRY(at.reject_unknown_keys(
      {"identity", "signatures", "admit", "members", "coordinators", "operators", "replay_window_ms", "max_tracked_senders",
       "pin_idle_ms", "transport", "transport_key", "transport_members", "max_connections_per_ip",
       "connection_cap_exempt", "max_connections", "max_pending_handshakes_per_ip", "max_unread_bytes_per_ip", "handshake_timeout_ms",
       "heartbeat_ms", "heartbeat_timeout_ms"}));
  IG_TRY(read_secret_path(at, "identity", out.identity_path));
  auto signatures = at.get<std::string>("signatures", "required");
  if (!signatures.ok()) return signatures.err();
  if (*signatures != "required" && *signatures != "off") return invalid(at, "signatures", "expected required or off");
  out.require_signatures = *signatures == "required";
  auto admit = at.get<std::string>("admit", "allowlist");
  if (!admit.ok()) return admit.err();
  if (*admit != "allowlist" && *admit != "open") return invalid(at, "admit", "expected allowlist or open");
  out.open_admission = *admit == "open";
  auto transport = at.get<std::string>("transport", "curve");
  if (!transport.ok()) return transport.err();
  if (*transport != "curve" && *transport != "plaintext") return invalid(at, "transport", "expected curve or plaintext");
  out.transport = *transport == "curve" ? transport_mode::curve : transport_mode::plaintext;
  IG_TRY(read_secret_path(at, "transport_key", out.transport_key_path));
  auto transport_members = at.get<std::vector<std::string>>("transport_members", {});
  if (!transport_members.ok()) return transport_members.err();
  out.transport_members = *transport_members;
  IG_TRY(parse_key_list(at, "members", out.members));
  IG_TRY(parse_key_list(at, "coordinators", out.coordinators));
  IG_TRY(parse_key_list(at, "operators", out.operators));
  IG_TRY(parse_connection_cap(at, out));
  IG_TRY(parse_connection_timers(at, out));
  for (auto [key, value] : {std::pair{"replay_window_ms", &out.replay_window_ms},
                            std::pair{"max_tracked_senders", &out.max_tracked_senders},
                            std::pair{"pin_idle_ms", &out.pin_idle_ms}}) {
    auto read = at.get<std::int64_t>(key, *value);
    if (!read.ok()) return read.err();
    if (*read <= 0) return invalid(at, key, "must be positive");
    *value = *read;
  }
  return {};
}

}  // namespace infergrid

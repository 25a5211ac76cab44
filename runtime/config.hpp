#pragma once
// config: one node's YAML file — its name, where it listens, its peers and the actors it hosts.
//
//   node:   {name: local, bind: tcp://127.0.0.1:7400, advertise: tcp://127.0.0.1:7400}
//   limits: {drain_timeout_ms: 3000}          # any key of runtime_limits (limits.hpp)
//   peers:  [{name: gpu1, endpoint: tcp://10.0.0.2:7400, actors: [gpu_worker], key: gpu1.pub}]
//   security: {identity: node.key, admit: allowlist, ...}   # security_config.hpp
//   actors: [{name: health, kind: health, settings: {}}]
//
// Every validation error names the file, the line and the key.
#include <string>
#include <vector>

#include <optional>

#include "runtime/identity.hpp"
#include "runtime/limits.hpp"
#include "runtime/security_config.hpp"
#include "runtime/result.hpp"
#include "runtime/settings.hpp"

namespace infergrid {

struct peer_config {
  std::string name;
  std::string endpoint;             // tcp://host:port of the peer's bind
  std::vector<std::string> actors;  // actors it hosts, so bare names resolve to it
  // Its signing key; envelopes from it must carry this key. None: pinned to the first key seen.
  std::optional<public_key> key;
  // Its CurveZMQ public key (Z85 text or a transport.pub file), read at start; required under curve.
  std::string transport_key;
};

struct actor_config {
  std::string name;
  std::string kind;
  settings config;  // the actor's `settings:` mapping (may be empty)
};

struct node_config {
  std::string source;     // file the config came from (for messages)
  std::string name;       // this node; addresses are "name/actor"
  std::string bind;       // tcp://host:port (port * = any free one); empty = in-process only
  std::string advertise;  // endpoint peers reply to; defaults to the bound endpoint
  runtime_limits limits;
  security_config security;
  std::vector<peer_config> peers;
  std::vector<actor_config> actors;
};

result<node_config> parse_config(const std::string& yaml_text, const std::string& source);
result<node_config> load_config_file(const std::string& path);

// Names of nodes and actors: letters, digits, '_', '-', '.'; 1..64 characters.
bool valid_name(std::string_view name);

}  // namespace infergrid

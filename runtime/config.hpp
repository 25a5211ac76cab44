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

// The config, or every error in the node's own keys (one error listing them: "FILE: 2 errors:\n  ...").
// Actors' settings are read by their kinds' readers (runtime/actor_settings_check.hpp).
result<node_config> parse_config(const std::string& yaml_text, const std::string& source);
result<node_config> load_config_file(const std::string& path);
result<std::string> read_config_text(const std::string& path);
// As parse_config, noting each error in `errors` and returning what could be read (each actor
// whose entry is valid, for its settings to be checked).
node_config parse_config_listing_errors(const std::string& yaml_text, const std::string& source,
                                        settings_errors& errors);
// One error listing `lines`: the line itself when there is one, else "SOURCE: N errors:" and each line.
error list_of_errors(const std::string& source, const std::vector<std::string>& lines);

// Names of nodes and actors: letters, digits, '_', '-', '.'; 1..64 characters.
bool valid_name(std::string_view name);

}  // namespace infergrid

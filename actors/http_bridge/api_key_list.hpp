#pragma once
// api_key_list: the keys file's `api_keys:` section — the keys `infergrid keys create` made, one
// flow mapping per line so that the CLI can append and revoke a key without rewriting the rest of
// the file (comments and all):
//
//   api_keys:
//     - {id: 3f9a0c1e, account: alice, hash: 9b1d…, created: "2026-12-04T16:40:00Z"}
//     - {id: 77d2e0aa, account: alice, hash: 04c7…, created: "…", revoked: "2026-12-04T17:02:11Z"}
//
// `account` names an account of the file's `accounts:` list, or else a ledger account (the bridge
// then escrows that ledger account in settlement mode). `hash` is api_key_hash_hex(key).
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "runtime/result.hpp"

namespace infergrid::http {

struct api_key_record {
  std::string id;
  std::string account;
  std::string hash_hex;
  std::string created;  // ISO 8601 UTC
  std::string revoked;  // "" = live
};

// `section` is the `api_keys` node (absent = no keys); errors name source:line.
result<std::vector<api_key_record>> parse_api_key_list(const YAML::Node& section, const std::string& source);

// The line `infergrid keys create` appends for a record (without the leading "  - ").
std::string api_key_record_line(const api_key_record& record);

}  // namespace infergrid::http

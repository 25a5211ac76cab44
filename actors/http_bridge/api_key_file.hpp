#pragma once
// api_key_file: `infergrid keys create|revoke` editing the keys file in place. Only the
// `api_keys:` section is touched — a line appended, or one line rewritten with `revoked:` — so the
// rest of the file (accounts, comments) stays as the operator wrote it. The section is kept last in
// the file (created there when missing). Every change is checked by parsing the whole new file
// before it replaces the old one atomically (write beside it, then rename), so a running bridge,
// which re-reads the file when it changes, sees the old file or the new one, never half of one.
#include <string>

#include "actors/http_bridge/api_key.hpp"
#include "actors/http_bridge/api_key_list.hpp"
#include "runtime/result.hpp"

namespace infergrid::http {

// A new key for `account` (an account of the file, or a ledger account), recorded with `created`.
result<new_api_key> add_api_key(const std::string& path, const std::string& account, const std::string& created);
// Marks the key `id` revoked at `when`; not_found for an unknown id, conflict if already revoked.
result<api_key_record> revoke_api_key(const std::string& path, const std::string& id, const std::string& when);
// Now as ISO 8601 UTC, seconds ("2026-12-04T16:40:00Z").
std::string utc_now_iso8601();

}  // namespace infergrid::http

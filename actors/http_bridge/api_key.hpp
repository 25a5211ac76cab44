#pragma once
// api_key: the format of the API keys `infergrid keys create` makes, and the hash the keys file
// keeps instead of them. A key is "sk-ig-<id>-<secret>": <id> is 8 hex digits that name the key
// (in `keys list`, in per-key usage, in `keys revoke`), <secret> 32 random bytes in hex. The file
// stores only BLAKE2b-256(key) in hex, so reading the file does not let anyone call the API.
#include <optional>
#include <string>
#include <string_view>

namespace infergrid::http {

struct new_api_key {
  std::string id;        // 8 hex digits
  std::string key;       // shown once, never stored
  std::string hash_hex;  // what the keys file keeps
};

new_api_key make_api_key();
std::string api_key_hash_hex(std::string_view key);
// The id of a key in this format; nullopt for any other key (e.g. a plain key of the file).
std::optional<std::string> api_key_id_of(std::string_view key);
bool is_api_key_id(std::string_view id);

}  // namespace infergrid::http

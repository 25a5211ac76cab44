#pragma once
// chain_key_file: a secp256k1 secret kept in a file as 64 hex digits (0x optional, surrounding
// whitespace ignored) — a wallet's key for `infergrid chain`, the operator's for the settlement
// actor's anchoring. A malformed file's error names the file, never its content.
#include <string>

#include "actors/settlement/chain/chain_key.hpp"

namespace infergrid::chain {

result<chain_key> read_chain_key_file(const std::string& path);
// Writes `key`'s secret as 0x + 64 hex digits, readable by its owner only (0600); an existing file is
// not overwritten (`conflict`).
status write_chain_key_file(const std::string& path, const chain_key& key);

}  // namespace infergrid::chain

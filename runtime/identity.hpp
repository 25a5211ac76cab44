#pragma once
// identity: an Ed25519 key pair (libsodium) naming a node, miner, validator or account, and the
// sign/verify/hash helpers every signed message and ledger entry uses.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "runtime/result.hpp"

namespace infergrid {

using public_key = std::array<std::uint8_t, 32>;
using signature = std::array<std::uint8_t, 64>;
using digest = std::array<std::uint8_t, 32>;  // BLAKE2b-256

class identity {
 public:
  static identity generate();
  // Deterministic key pair from a 32-byte seed (tests, reproducible deployments).
  static identity from_seed(std::span<const std::uint8_t, 32> seed);
  // Loads a secret key file: the hex seed on its first line that is no comment, below the
  // secret-key header `infergrid keygen` writes; a file that may be a public key is refused (a *.pub
  // without the header, or one readable by others: key_file_kind.hpp).
  static result<identity> load(const std::string& path);
  // As load, creating the file (header and fresh seed, mode 0600) if missing, and logging at warn
  // the path and the new public id (a mistyped path would otherwise become a new identity unnoticed).
  static result<identity> load_or_create(const std::string& path);

  const public_key& public_id() const { return public_key_; }
  signature sign(std::span<const std::uint8_t> message) const;

 private:
  identity() = default;
  public_key public_key_{};
  std::array<std::uint8_t, 64> secret_key_{};
};

bool verify_signature(const public_key& signer, std::span<const std::uint8_t> message, const signature& sig);
digest hash_bytes(std::span<const std::uint8_t> bytes);

// Unpredictable values from the OS's CSPRNG (libsodium): ids nobody may guess (request ids).
std::uint64_t random_u64();
std::string random_hex(std::size_t bytes);  // 2*bytes hex digits

std::string to_hex(std::span<const std::uint8_t> bytes);
// Parses exactly out.size() bytes of hex; an error names what is wrong.
status from_hex(std::string_view hex, std::span<std::uint8_t> out);

}  // namespace infergrid

#pragma once
// chain_key: a secp256k1 private key as an EVM account holds it — its address (the last 20 bytes
// of keccak256 of the uncompressed public key) and recoverable signatures over 32-byte hashes
// (RFC 6979 nonces, low s), from libsecp256k1 with its recovery module.
#include <memory>

#include "actors/settlement/chain/chain_types.hpp"

namespace infergrid::chain {

struct recoverable_signature {
  word r{};
  word s{};
  std::uint8_t recovery_id = 0;  // 0 or 1: the y parity of an EIP-1559 transaction; v = 27 + it for ecrecover
  // r | s | v with v = 27 + recovery_id: the 65 bytes Solidity's ecrecover-based checks take.
  bytes to_rsv() const;
};

class chain_key {
 public:
  // Refuses zero and values not below the group order.
  static result<chain_key> from_secret(const word& secret);
  // 64 hex digits, 0x optional; a malformed secret's error never quotes it.
  static result<chain_key> from_hex(std::string_view secret_hex);
  // A fresh key from the operating system's randomness.
  static chain_key generate();

  const address& chain_address() const { return address_; }
  const word& secret() const { return secret_; }
  recoverable_signature sign(const word& hash) const;

 private:
  explicit chain_key(const word& secret, const address& derived) : secret_(secret), address_(derived) {}
  word secret_{};
  address address_{};
};

// The address whose key made `signature` over `hash`, or an error when it does not recover.
result<address> recover_signer(const word& hash, const recoverable_signature& signature);

}  // namespace infergrid::chain

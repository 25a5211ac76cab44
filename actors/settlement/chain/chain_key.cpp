#include "actors/settlement/chain/chain_key.hpp"

#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <sodium.h>

#include <algorithm>
#include <cstdlib>

#include "actors/settlement/chain/keccak.hpp"

namespace infergrid::chain {
namespace {

// One context for the process: libsecp256k1 contexts are safe to share for signing and
// verification once created (randomization is not needed for correctness).
const secp256k1_context* context() {
  static secp256k1_context* shared = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  return shared;
}

address address_of(const secp256k1_pubkey& key) {
  std::uint8_t uncompressed[65];
  std::size_t length = sizeof uncompressed;
  secp256k1_ec_pubkey_serialize(context(), uncompressed, &length, &key, SECP256K1_EC_UNCOMPRESSED);
  const word hash = keccak256(std::span(uncompressed + 1, 64));  // without the 0x04 tag
  address out{};
  std::copy(hash.begin() + 12, hash.end(), out.begin());
  return out;
}

}  // namespace

bytes recoverable_signature::to_rsv() const {
  bytes out(r.begin(), r.end());
  out.insert(out.end(), s.begin(), s.end());
  out.push_back(static_cast<std::uint8_t>(27 + recovery_id));
  return out;
}

result<chain_key> chain_key::from_secret(const word& secret) {
  secp256k1_pubkey key;
  if (!secp256k1_ec_seckey_verify(context(), secret.data()) || !secp256k1_ec_pubkey_create(context(), &key, secret.data())) {
    return make_error(error_code::invalid_argument, "not a valid secp256k1 private key (zero or not below the group order)");
  }
  return chain_key(secret, address_of(key));
}

result<chain_key> chain_key::from_hex(std::string_view secret_hex) {
  // The hex parsers quote what they refuse; a secret must never reach a message or a log.
  const bool prefixed = secret_hex.starts_with("0x") || secret_hex.starts_with("0X");
  auto secret = word_from_hex(prefixed ? std::string(secret_hex) : "0x" + std::string(secret_hex));
  if (!secret) return make_error(error_code::malformed_input, "a secp256k1 secret must be 64 hex digits (0x optional)");
  return from_secret(*secret);
}

chain_key chain_key::generate() {
  if (sodium_init() < 0) std::abort();
  for (;;) {  // a random 32 bytes is a valid key except with probability ~2^-128
    word secret{};
    randombytes_buf(secret.data(), secret.size());
    auto key = from_secret(secret);
    if (key) return std::move(*key);
  }
}

recoverable_signature chain_key::sign(const word& hash) const {
  secp256k1_ecdsa_recoverable_signature signature;
  // With the default RFC 6979 nonce signing cannot fail for a verified key.
  if (!secp256k1_ecdsa_sign_recoverable(context(), &signature, hash.data(), secret_.data(), nullptr, nullptr)) std::abort();
  std::uint8_t compact[64];
  int recovery_id = 0;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(context(), compact, &recovery_id, &signature);
  recoverable_signature out;
  std::copy(compact, compact + 32, out.r.begin());
  std::copy(compact + 32, compact + 64, out.s.begin());
  out.recovery_id = static_cast<std::uint8_t>(recovery_id);
  return out;
}

result<address> recover_signer(const word& hash, const recoverable_signature& signature) {
  std::uint8_t compact[64];
  std::copy(signature.r.begin(), signature.r.end(), compact);
  std::copy(signature.s.begin(), signature.s.end(), compact + 32);
  secp256k1_ecdsa_recoverable_signature parsed;
  secp256k1_pubkey key;
  if (signature.recovery_id > 3 ||
      !secp256k1_ecdsa_recoverable_signature_parse_compact(context(), &parsed, compact, signature.recovery_id) ||
      !secp256k1_ecdsa_recover(context(), &key, &parsed, hash.data())) {
    return make_error(error_code::bad_signature, "the signature does not recover a public key");
  }
  return address_of(key);
}

}  // namespace infergrid::chain

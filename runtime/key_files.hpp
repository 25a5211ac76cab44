#pragma once
// key_files: a node's or miner's identity on disk, as `infergrid keygen --out DIR` writes it —
//   signing.key     Ed25519 seed, hex (mode 0600)      security.identity, gpu_worker identity_file
//   signing.pub     Ed25519 public key, hex            peers[].key, security.members/coordinators/operators
//   transport.key   Curve25519 secret key, Z85 (0600)  CurveZMQ
//   transport.pub   Curve25519 public key, Z85
// Each .key starts with a header line marking it a secret (key_file_kind.hpp); a .pub is the bare key.
// Files are created exclusively: an existing key is never overwritten.
#include <string>

#include "runtime/result.hpp"

namespace infergrid {

struct written_keys {
  std::string signing_public_hex;
  std::string transport_public_z85;
};

result<written_keys> write_new_keys(const std::string& directory);

}  // namespace infergrid

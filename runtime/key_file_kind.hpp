#pragma once
// key_file_kind: which half of a key pair a key file holds. `infergrid keygen` writes both halves
// in the same shape (signing.key and signing.pub are each 64 hex digits, transport.key and
// transport.pub each 40 Z85 characters), so the name is the only mark: *.key is a secret, *.pub a
// public key (key_files.hpp). A loader refuses a file of the other half — a public key read as a
// secret would give the node's key to anyone who holds the .pub. Other names are not judged
// (worker.identity, miner-1.key made by load_or_create).
//
//   IG_TRY(check_key_file_kind(path, key_file_kind::secret));   // before reading a seed
#include <string_view>

#include "runtime/result.hpp"

namespace infergrid {

enum class key_file_kind { secret, public_key };

// An error naming `path` when its name marks it as the other half of what the caller wants.
status check_key_file_kind(std::string_view path, key_file_kind wanted);

}  // namespace infergrid

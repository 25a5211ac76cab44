#pragma once
// key_file_kind: which half of a key pair a key file holds. The key text of both halves has the
// same shape (signing.key and signing.pub are each 64 hex digits, transport.key and transport.pub
// each 40 Z85 characters), so `infergrid keygen` and identity::load_or_create write a header line
// above a secret ("# infergrid secret key: …"); a .pub stays the bare key (operators `cat` it into
// configs). A loader refuses a file of the other half — a public key read as a secret would give
// the node's key to anyone who holds the .pub:
//   - read as a secret (read_secret_key_line): the header says secret, whatever the name; without
//     it (files from before the header, or made by hand) a *.key is a secret, a *.pub is refused,
//     and any other name must be private to its owner (no group/other access, as load_or_create
//     has always made them) — a .pub renamed without its suffix is readable by others and refused;
//   - read as a public key (read_public_key_line): a file whose header says secret is refused.
// check_key_file_kind judges a name alone (config paths, before any file is read).
//
//   auto seed_hex = read_secret_key_line(path);   // the key line, or an error saying what to do
#include <string>
#include <string_view>

#include "runtime/result.hpp"

namespace infergrid {

enum class key_file_kind { secret, public_key };

// An error naming `path` when its name marks it as the other half of what the caller wants.
status check_key_file_kind(std::string_view path, key_file_kind wanted);

// The first line of every secret key file written from now on.
inline constexpr std::string_view secret_key_header = "# infergrid secret key";
// A new secret key file's text: the header naming `what` ("signing (Ed25519 seed, hex)"), the key.
std::string secret_key_file_text(std::string_view what, std::string_view key);
// The key line of a file read as a secret (the rules above); not_found when it cannot be read.
result<std::string> read_secret_key_line(const std::string& path);
// The first line of a file read as a public key; refused when its header marks a secret.
result<std::string> read_public_key_line(const std::string& path);

}  // namespace infergrid

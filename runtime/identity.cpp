#include "runtime/identity.hpp"

#include <sodium.h>
#include <unistd.h>

#include <stdexcept>
#include <vector>

#include "runtime/create_new_file.hpp"
#include "runtime/key_file_kind.hpp"
#include "runtime/log.hpp"

namespace infergrid {
namespace {

void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise");  // programmer/platform error
}

// The seed of a key file read as a secret (key_file_kind.hpp: its header, else its name and mode).
result<identity> read_seed(const std::string& path) {
  auto line = read_secret_key_line(path);
  if (!line.ok()) {
    if (line.err().code != error_code::not_found) return line.err();
    return make_error(error_code::not_found, "cannot read key file " + path + " (create one with `infergrid keygen`)");
  }
  std::array<std::uint8_t, 32> seed{};
  if (status parsed = from_hex(*line, seed); !parsed) {
    return make_error(error_code::malformed_input, "key file " + path + ": " + parsed.err().message);
  }
  return identity::from_seed(seed);
}

}  // namespace

identity identity::generate() {
  ensure_sodium();
  std::array<std::uint8_t, 32> seed{};
  randombytes_buf(seed.data(), seed.size());
  return from_seed(seed);
}

identity identity::from_seed(std::span<const std::uint8_t, 32> seed) {
  ensure_sodium();
  identity id;
  crypto_sign_seed_keypair(id.public_key_.data(), id.secret_key_.data(), seed.data());
  return id;
}

result<identity> identity::load(const std::string& path) { return read_seed(path); }

// The new file is created whole and on disk, never over one already there (create_new_file): processes
// starting together on one missing path all get the one key that is on disk.
result<identity> identity::load_or_create(const std::string& path) {
  IG_TRY(check_key_file_kind(path, key_file_kind::secret));  // never creates a *.pub
  if (::access(path.c_str(), F_OK) == 0) return read_seed(path);
  std::array<std::uint8_t, 32> seed{};
  ensure_sodium();
  randombytes_buf(seed.data(), seed.size());
  auto written = create_new_file(path, secret_key_file_text("signing (Ed25519 seed, hex)", to_hex(seed)) + "\n", 0600);
  // Another process created it since the check above: its key is the one on disk, so it is ours too.
  if (!written.ok() && written.err().code == error_code::conflict) return read_seed(path);
  if (!written.ok()) return written.err();
  identity created = from_seed(seed);
  // A mistyped path lands here too, and the new key is a new miner or account: say so.
  log(log_level::warn, "identity", "no key file at {}: created a new signing key there (public id {})", path,
      to_hex(created.public_id()));
  return created;
}

signature identity::sign(std::span<const std::uint8_t> message) const {
  signature sig{};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_key_.data());
  return sig;
}

bool verify_signature(const public_key& signer, std::span<const std::uint8_t> message, const signature& sig) {
  ensure_sodium();
  return crypto_sign_verify_detached(sig.data(), message.data(), message.size(), signer.data()) == 0;
}

digest hash_bytes(std::span<const std::uint8_t> bytes) {
  ensure_sodium();
  digest out{};
  crypto_generichash(out.data(), out.size(), bytes.data(), bytes.size(), nullptr, 0);
  return out;
}

std::uint64_t random_u64() {
  ensure_sodium();
  std::uint64_t value = 0;
  randombytes_buf(&value, sizeof value);
  return value;
}

std::string random_hex(std::size_t bytes) {
  ensure_sodium();
  std::vector<std::uint8_t> buffer(bytes);
  randombytes_buf(buffer.data(), buffer.size());
  return to_hex(buffer);
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    hex.push_back(digits[b >> 4]);
    hex.push_back(digits[b & 0x0f]);
  }
  return hex;
}

status from_hex(std::string_view hex, std::span<std::uint8_t> out) {
  if (hex.size() != out.size() * 2) {
    return make_error(error_code::malformed_input,
                      "expected " + std::to_string(out.size() * 2) + " hex digits, got " + std::to_string(hex.size()));
  }
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int high = nibble(hex[2 * i]);
    const int low = nibble(hex[2 * i + 1]);
    if (high < 0 || low < 0) return make_error(error_code::malformed_input, "not a hex digit at " + std::to_string(2 * i));
    out[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return {};
}

}  // namespace infergrid

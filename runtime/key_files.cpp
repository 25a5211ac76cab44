#include "runtime/key_files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "runtime/create_new_file.hpp"
#include "runtime/curve_keys.hpp"
#include "runtime/identity.hpp"
#include "runtime/key_file_kind.hpp"

namespace infergrid {
namespace {

constexpr const char* file_names[] = {"signing.key", "signing.pub", "transport.key", "transport.pub"};

// A key file created whole and durably, never over an existing one (create_new_file), ending in a newline.
status write_exclusive(const std::string& path, const std::string& text, mode_t mode) {
  return create_new_file(path, text + "\n", mode);
}

}  // namespace

result<written_keys> write_new_keys(const std::string& directory) {
  // Parents as `mkdir -p` would (`--out keys/miner-1` in a fresh checkout); the key folder itself 0700.
  std::error_code ignored;
  const auto parent = std::filesystem::path(directory).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
  if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
    return make_error(error_code::io_error, "cannot create directory " + directory + ": " + std::strerror(errno));
  }
  for (const char* name : file_names) {
    const std::string path = directory + "/" + name;
    if (::access(path.c_str(), F_OK) == 0) {
      return make_error(error_code::conflict, path + " already exists; keygen never overwrites a key");
    }
  }
  std::array<std::uint8_t, 32> seed{};
  const std::string seed_hex = random_hex(seed.size());
  IG_TRY(from_hex(seed_hex, seed));
  const identity signer = identity::from_seed(seed);
  auto transport = generate_curve_keypair();
  if (!transport.ok()) return transport.err();
  written_keys out{to_hex(signer.public_id()), transport->public_z85};
  IG_TRY(write_exclusive(directory + "/signing.key", secret_key_file_text("signing (Ed25519 seed, hex)", seed_hex), 0600));
  IG_TRY(write_exclusive(directory + "/signing.pub", out.signing_public_hex, 0644));
  IG_TRY(write_exclusive(directory + "/transport.key",
                         secret_key_file_text("transport (Curve25519, Z85)", transport->secret_z85), 0600));
  IG_TRY(write_exclusive(directory + "/transport.pub", out.transport_public_z85, 0644));
  return out;
}

}  // namespace infergrid

#include "actors/settlement/chain/chain_key_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <fstream>
#include <sstream>

namespace infergrid::chain {

result<chain_key> read_chain_key_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(error_code::not_found, "cannot read the key file " + path);
  std::stringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && std::isspace(static_cast<unsigned char>(secret.back()))) secret.pop_back();
  while (!secret.empty() && std::isspace(static_cast<unsigned char>(secret.front()))) secret.erase(secret.begin());
  auto key = chain_key::from_hex(secret);
  if (!key.ok()) return make_error(error_code::invalid_argument, path + " holds no secp256k1 secret: " + key.err().message);
  return key;
}

status write_chain_key_file(const std::string& path, const chain_key& key) {
  const int file = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (file < 0) {
    return make_error(errno == EEXIST ? error_code::conflict : error_code::io_error, "cannot create the key file " + path);
  }
  const std::string text = to_hex_0x(key.secret()) + "\n";
  const bool written = ::write(file, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(file) == 0;
  ::close(file);
  if (!written) return make_error(error_code::io_error, "cannot write the key file " + path);
  return {};
}

}  // namespace infergrid::chain

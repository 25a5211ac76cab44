#include "actors/settlement/chain/chain_key_file.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

#include "runtime/create_new_file.hpp"

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

// Whole and on disk before it returns, never over an existing file (create_new_file).
status write_chain_key_file(const std::string& path, const chain_key& key) {
  return create_new_file(path, to_hex_0x(key.secret()) + "\n", 0600);
}

}  // namespace infergrid::chain

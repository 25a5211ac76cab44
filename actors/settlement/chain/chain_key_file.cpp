#include "actors/settlement/chain/chain_key_file.hpp"

#include <cctype>
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

}  // namespace infergrid::chain

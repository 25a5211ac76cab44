#include "actors/settlement/chain_cursor.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "runtime/replace_file.hpp"

namespace infergrid {
namespace {

// One "identity 0x<address> <ed25519 hex> <signature hex>" line; false when it is not one.
// One "followed_block N 0x<hash>" line; false when it is not one.
bool read_followed(std::istringstream& line, chain_cursor& out) {
  std::uint64_t number = 0;
  std::string hash_hex;
  if (!(line >> number >> hash_hex)) return false;
  auto hash = chain::word_from_hex(hash_hex);
  if (!hash.ok()) return false;
  out.last_followed = chain::followed_block{number, *hash};
  return true;
}

bool read_identity(std::istringstream& line, chain_cursor& out) {
  std::string address_hex, identity_hex, signature_hex;
  if (!(line >> address_hex >> identity_hex >> signature_hex)) return false;
  auto account = chain::address_from_hex(address_hex);
  auto signature = chain::bytes_from_hex("0x" + signature_hex);
  if (!account.ok() || !signature.ok() || identity_hex.size() != 64) return false;
  out.identities.restore(*account, chain_identity_binding{identity_hex, *signature});
  return true;
}

}  // namespace

chain_cursor load_chain_cursor(const std::string& path, const chain::address& vault, std::uint64_t start_block) {
  chain_cursor fresh{start_block, 0, std::nullopt, {}};
  std::ifstream file(path);
  std::string vault_label, vault_hex, block_label;
  std::uint64_t next_block = 0;
  if (!(file >> vault_label >> vault_hex >> block_label >> next_block)) return fresh;
  if (vault_label != "vault" || block_label != "next_block" || vault_hex != chain::to_hex_0x(vault)) return fresh;
  chain_cursor out{std::max(next_block, start_block), 0, std::nullopt, {}};
  std::string text;
  while (std::getline(file, text)) {
    std::istringstream line(text);
    std::string label;
    if (!(line >> label)) continue;
    const bool read = label == "chain_id"         ? static_cast<bool>(line >> out.chain_id)
                      : label == "followed_block" ? read_followed(line, out)
                      : label == "identity"       ? read_identity(line, out)
                                                  : false;
    if (!read) return fresh;  // damaged: reread everything rather than trust half of it
  }
  if (out.last_followed && out.last_followed->number + 1 != out.next_block) out.last_followed.reset();  // start_block moved it
  return out;
}

status save_chain_cursor(const std::string& path, const chain::address& vault, const chain_cursor& cursor) {
  std::string text = "vault " + chain::to_hex_0x(vault) + " next_block " + std::to_string(cursor.next_block) + "\n";
  if (cursor.chain_id != 0) text += "chain_id " + std::to_string(cursor.chain_id) + "\n";
  if (cursor.last_followed) {
    text += "followed_block " + std::to_string(cursor.last_followed->number) + " " + chain::to_hex_0x(cursor.last_followed->hash) + "\n";
  }
  for (const auto& [account, bound] : cursor.identities.all()) {
    text += "identity " + chain::to_hex_0x(account) + " " + bound.identity_account + " " +
            chain::to_hex_0x(bound.signature).substr(2) + "\n";
  }
  return replace_file(path, text);
}

}  // namespace infergrid

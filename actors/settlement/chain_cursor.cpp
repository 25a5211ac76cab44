#include "actors/settlement/chain_cursor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace infergrid {

std::uint64_t load_chain_cursor(const std::string& path, const chain::address& vault, std::uint64_t start_block) {
  std::ifstream file(path);
  std::string vault_label, vault_hex, block_label;
  std::uint64_t next_block = 0;
  if (!(file >> vault_label >> vault_hex >> block_label >> next_block)) return start_block;
  if (vault_label != "vault" || block_label != "next_block" || vault_hex != chain::to_hex_0x(vault)) return start_block;
  return std::max(next_block, start_block);
}

status save_chain_cursor(const std::string& path, const chain::address& vault, std::uint64_t next_block) {
  const std::string temporary = path + ".tmp";
  const std::string text = "vault " + chain::to_hex_0x(vault) + " next_block " + std::to_string(next_block) + "\n";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return make_error(error_code::io_error, "cannot write " + temporary);
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written || std::rename(temporary.c_str(), path.c_str()) != 0) {
    return make_error(error_code::io_error, "cannot replace the chain cursor " + path);
  }
  return {};
}

}  // namespace infergrid

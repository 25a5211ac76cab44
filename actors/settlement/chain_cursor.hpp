#pragma once
// chain_cursor: where the chain bridge goes on and what it learned on the way, kept in a small
// file beside the ledger ("<db>.chain-cursor") and replaced atomically (write, fsync, rename) after
// each applied batch:
//   vault 0x… next_block N
//   chain_id C                                 (from the node the logs came from)
//   followed_block N-1 0x<hash>                (block next_block - 1 as followed: a reorganisation check)
//   identity 0x<address> <ed25519 hex> <statement signature hex>   (one line per binding)
// It only saves rereading: every chain operation is idempotent by its op id and the bindings are
// learned again in the same order, so a lost or stale cursor rereads blocks and replays, never
// applies twice. A cursor written for another vault is ignored; one of the first format (its
// first line only) is read as it is.
#include <cstdint>
#include <optional>
#include <string>

#include "actors/settlement/chain/chain_watcher.hpp"
#include "actors/settlement/chain_identities.hpp"

namespace infergrid {

struct chain_cursor {
  std::uint64_t next_block = 0;
  std::uint64_t chain_id = 0;  // 0: not known yet
  std::optional<chain::followed_block> last_followed;  // block next_block - 1, when known
  chain_identities identities;
};

// The saved cursor for `vault`, or one at `start_block` when there is none (or it names another vault).
chain_cursor load_chain_cursor(const std::string& path, const chain::address& vault, std::uint64_t start_block);
status save_chain_cursor(const std::string& path, const chain::address& vault, const chain_cursor& cursor);

}  // namespace infergrid

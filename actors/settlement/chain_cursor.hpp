#pragma once
// chain_cursor: the next block the chain bridge reads, kept in a small file beside the ledger
// ("<db>.chain-cursor": "vault 0x… next_block N") and replaced atomically (write, fsync, rename)
// after each applied batch. It only saves rereading: every chain operation is idempotent by its op
// id, so a lost or stale cursor rereads blocks and replays, never applies twice. A cursor written
// for another vault is ignored.
#include <cstdint>
#include <string>

#include "actors/settlement/chain/chain_types.hpp"

namespace infergrid {

// The saved next block for `vault`, or `start_block` when there is none (or it names another vault).
std::uint64_t load_chain_cursor(const std::string& path, const chain::address& vault, std::uint64_t start_block);
status save_chain_cursor(const std::string& path, const chain::address& vault, std::uint64_t next_block);

}  // namespace infergrid

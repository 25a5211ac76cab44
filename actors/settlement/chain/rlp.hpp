#pragma once
// rlp: Ethereum's Recursive Length Prefix encoding (the yellow paper, appendix B) — the byte
// strings and lists a transaction is made of. Encoding only: we sign and send, nodes decode.
#include <cstdint>
#include <span>
#include <vector>

#include "actors/settlement/chain/chain_types.hpp"

namespace infergrid::chain {

bytes rlp_string(std::span<const std::uint8_t> data);
// An integer as its big-endian bytes without leading zeros (0 is the empty string).
bytes rlp_uint(std::uint64_t value);
// A big-endian unsigned integer of any width (a uint256 word), leading zeros dropped.
bytes rlp_uint_bytes(std::span<const std::uint8_t> big_endian);
// A list of already-encoded items.
bytes rlp_list(const std::vector<bytes>& encoded_items);

}  // namespace infergrid::chain

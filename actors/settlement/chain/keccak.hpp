#pragma once
// keccak256: Ethereum's hash (the original Keccak padding, not NIST SHA3-256), from Crypto++.
#include <span>
#include <string_view>

#include "actors/settlement/chain/chain_types.hpp"

namespace infergrid::chain {

word keccak256(std::span<const std::uint8_t> data);
word keccak256(std::string_view text);

}  // namespace infergrid::chain

#pragma once
// chain_types: the byte shapes of an EVM chain — raw bytes, 32-byte words (hashes, uint256),
// 20-byte addresses — and their 0x-hex forms as JSON-RPC writes them.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/result.hpp"

namespace infergrid::chain {

using bytes = std::vector<std::uint8_t>;
using word = std::array<std::uint8_t, 32>;  // a hash, or a uint256 big-endian
using address = std::array<std::uint8_t, 20>;

// "0x" + lowercase hex of every byte ("0x" for none).
std::string to_hex_0x(std::span<const std::uint8_t> data);
// Parses "0x"-prefixed hex with an even number of digits; an error names what is wrong.
result<bytes> bytes_from_hex(std::string_view hex);
result<word> word_from_hex(std::string_view hex);       // exactly 32 bytes
result<address> address_from_hex(std::string_view hex);  // exactly 20 bytes, any letter case

// JSON-RPC quantities: "0x" + hex without leading zeros ("0x0" for zero).
std::string quantity_hex(std::uint64_t value);
// Refuses what does not fit 64 bits, so an amount is never silently cut.
result<std::uint64_t> quantity_from_hex(std::string_view hex);

word word_from_u64(std::uint64_t value);
// The value of a uint256 word, or an error when it does not fit 64 bits.
result<std::uint64_t> u64_from_word(const word& value);
// The address in the low 20 bytes of a word (an ABI-encoded or topic address).
address address_from_word(const word& value);
word word_from_address(const address& value);

}  // namespace infergrid::chain

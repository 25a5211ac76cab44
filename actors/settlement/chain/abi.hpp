#pragma once
// abi: the Solidity contract ABI for the argument types our contracts use — static words
// (uint256, address, bytes32, bool, enums), dynamic bytes, arrays of words and arrays of bytes —
// encoded head/tail as the ABI specification says, and decoded with every offset bounds-checked.
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "actors/settlement/chain/chain_types.hpp"

namespace infergrid::chain {

struct abi_bytes {
  bytes value;
};
struct abi_words {  // T[] of a static 32-byte T: bytes32[], uint256[], address[]
  std::vector<word> value;
};
struct abi_bytes_list {  // bytes[]
  std::vector<bytes> value;
};
using abi_value = std::variant<word, abi_bytes, abi_words, abi_bytes_list>;

inline abi_value abi_uint(std::uint64_t value) { return word_from_u64(value); }
inline abi_value abi_address(const address& value) { return word_from_address(value); }

// The first 4 bytes of keccak256 of a canonical signature such as "transfer(address,uint256)".
std::array<std::uint8_t, 4> function_selector(std::string_view signature);
// keccak256 of an event's canonical signature: its topic 0.
word event_topic(std::string_view signature);

bytes abi_encode(const std::vector<abi_value>& arguments);
// selector(signature) followed by the encoded arguments: a call's data.
bytes abi_call(std::string_view signature, const std::vector<abi_value>& arguments);

// Reads the head slots of ABI-encoded data (return data, an event's data).
class abi_reader {
 public:
  explicit abi_reader(std::span<const std::uint8_t> data) : data_(data) {}
  result<word> word_at(std::size_t slot) const;
  result<std::uint64_t> u64_at(std::size_t slot) const;
  result<address> address_at(std::size_t slot) const;
  result<bytes> bytes_at(std::size_t slot) const;        // a dynamic bytes argument
  result<std::vector<word>> words_at(std::size_t slot) const;  // a dynamic T[] of static T

 private:
  result<word> word_at_offset(std::size_t offset) const;
  result<std::size_t> tail_offset(std::size_t slot) const;
  std::span<const std::uint8_t> data_;
};

}  // namespace infergrid::chain

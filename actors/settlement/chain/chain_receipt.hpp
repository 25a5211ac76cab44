#pragma once
// chain_receipt: what a node reports about a mined transaction — its receipt and its logs —
// parsed from JSON-RPC objects with every field checked.
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/settlement/chain/chain_types.hpp"

namespace infergrid::chain {

struct chain_log {
  address emitter{};
  std::vector<word> topics;  // topics[0] is the event's signature hash
  bytes data;
  std::uint64_t block_number = 0;
  word transaction_hash{};
  std::uint64_t log_index = 0;  // position in its block: with the transaction hash, a unique id
  bool removed = false;         // dropped by a reorganisation
};

struct transaction_receipt {
  word transaction_hash{};
  bool succeeded = false;
  std::uint64_t gas_used = 0;
  std::uint64_t block_number = 0;
  std::optional<address> contract_address;  // set for a contract creation
  std::vector<chain_log> logs;
};

result<chain_log> parse_chain_log(const nlohmann::json& object);
result<transaction_receipt> parse_transaction_receipt(const nlohmann::json& object);

}  // namespace infergrid::chain

#pragma once
// chain_client: what settlement asks of an EVM node — read the chain, send a signed EIP-1559
// transaction and wait for its receipt, call a contract, read logs. Errors are values: a node that
// is down is `unavailable`, a reverted transaction is `conflict` with the revert reason.
#include <optional>
#include <vector>

#include "actors/settlement/chain/chain_key.hpp"
#include "actors/settlement/chain/chain_receipt.hpp"
#include "actors/settlement/chain/json_rpc_client.hpp"

namespace infergrid::chain {

// Every tunable of the client, with its default.
struct chain_client_config {
  // How often a sent transaction's receipt is asked for, and for how long at most.
  std::uint32_t receipt_poll_interval_ms = 50;
  std::uint32_t receipt_timeout_ms = 30000;
  // The node's gas estimate is raised by this share so a slightly different state still fits.
  std::uint32_t gas_margin_percent = 20;
  // max_fee_per_gas = base_fee × this + priority fee: room for the base fee to rise meanwhile.
  std::uint32_t base_fee_multiplier = 2;
  json_rpc_timeouts timeouts;
};

// The settlement's background threads (watcher, anchorer, slasher) and its check at start: a node
// that does not answer is given up on quickly (1 s to connect, 5 s to answer) and tried again later.
inline chain_client_config background_client_config() {
  return chain_client_config{.timeouts = {std::chrono::milliseconds(1000), std::chrono::milliseconds(5000)}};
}

class chain_client {
 public:
  explicit chain_client(std::string endpoint, chain_client_config config = {});

  result<std::uint64_t> chain_id();
  result<std::uint64_t> block_number();
  result<std::uint64_t> block_timestamp();  // of the latest block, in seconds
  result<word> block_hash(std::uint64_t number);  // not_found when the chain has no such block
  // The head block's number and hash (one call).
  result<std::pair<std::uint64_t, word>> head_block();

  // Estimates gas (a call that would revert fails here with the node's reason), signs with `from`,
  // sends, checks the node's hash against ours and waits for the receipt. A receipt with a failed
  // status is an error too.
  result<transaction_receipt> send(const chain_key& from, std::optional<address> to, const bytes& data);
  // Sends a contract creation (`creation_code` = bytecode followed by the constructor's arguments).
  result<address> deploy(const chain_key& from, const bytes& creation_code, std::uint64_t* gas_used = nullptr);
  // eth_call against the latest block: the returned bytes.
  result<bytes> call(const address& to, const bytes& data);
  // Logs of `emitter` in blocks [from_block, to_block], optionally only those with topic 0 `topic0`.
  result<std::vector<chain_log>> logs(const address& emitter, std::uint64_t from_block, std::uint64_t to_block,
                                      std::optional<word> topic0 = std::nullopt);

  json_rpc_client& rpc() { return rpc_; }

 private:
  result<transaction_receipt> wait_for_receipt(const word& transaction_hash);
  chain_client_config config_;
  json_rpc_client rpc_;
  std::optional<std::uint64_t> chain_id_;
};

}  // namespace infergrid::chain

#include "actors/settlement/chain/chain_client.hpp"

#include <thread>

#include "actors/settlement/chain/eip1559_transaction.hpp"
#include "actors/settlement/chain/keccak.hpp"

namespace infergrid::chain {
namespace {

result<std::uint64_t> quantity_of(const result<nlohmann::json>& reply, const char* what) {
  if (!reply) return reply.err();
  if (!reply->is_string()) return make_error(error_code::malformed_input, std::string(what) + " is not a hex string");
  return quantity_from_hex(reply->get<std::string>());
}

// A block by its tag ("latest" or a hex number) without transactions; `name` says which in errors
// ("latest block", "block 12"). not_found when the chain has no such block.
struct block_read {
  nlohmann::json object;
  std::string name;
  result<nlohmann::json> member(const char* field) const {
    if (!object.is_object() || !object.contains(field)) return make_error(error_code::malformed_input, name + " lacks " + field);
    return object[field];
  }
  result<word> hash() const {
    auto hash = member("hash");
    if (!hash) return hash.err();
    if (!hash->is_string()) return make_error(error_code::malformed_input, name + " has no hash");
    return word_from_hex(hash->get<std::string>());
  }
};

result<block_read> read_block(json_rpc_client& rpc, const std::string& tag, std::string name) {
  auto block = rpc.call("eth_getBlockByNumber", nlohmann::json::array({tag, false}));
  if (!block) return block.err();
  if (block->is_null()) return make_error(error_code::not_found, "the chain has no " + name);
  return block_read{std::move(*block), std::move(name)};
}

result<std::uint64_t> block_field(json_rpc_client& rpc, const char* field) {
  auto block = read_block(rpc, "latest", "latest block");
  if (!block) return block.err();
  return quantity_of(block->member(field), field);
}

nlohmann::json call_object(const std::optional<address>& from, const std::optional<address>& to, const bytes& data) {
  nlohmann::json object = {{"data", to_hex_0x(data)}};
  if (from) object["from"] = to_hex_0x(*from);
  if (to) object["to"] = to_hex_0x(*to);
  return object;
}

}  // namespace

chain_client::chain_client(std::string endpoint, chain_client_config config)
    : config_(config), rpc_(std::move(endpoint), config.timeouts) {}

result<std::uint64_t> chain_client::chain_id() {
  if (chain_id_) return *chain_id_;
  auto id = quantity_of(rpc_.call("eth_chainId"), "eth_chainId");
  if (id) chain_id_ = *id;
  return id;
}

result<std::uint64_t> chain_client::block_number() { return quantity_of(rpc_.call("eth_blockNumber"), "eth_blockNumber"); }

result<std::uint64_t> chain_client::block_timestamp() { return block_field(rpc_, "timestamp"); }

result<word> chain_client::block_hash(std::uint64_t number) {
  auto block = read_block(rpc_, quantity_hex(number), "block " + std::to_string(number));
  if (!block) return block.err();
  return block->hash();
}

result<std::pair<std::uint64_t, word>> chain_client::head_block() {
  auto block = read_block(rpc_, "latest", "latest block");
  if (!block) return block.err();
  auto head = quantity_of(block->member("number"), "number");
  if (!head) return head.err();
  auto hash = block->hash();
  if (!hash) return hash.err();
  return std::pair{*head, *hash};
}

result<transaction_receipt> chain_client::send(const chain_key& from, std::optional<address> to, const bytes& data) {
  auto id = chain_id();
  if (!id) return id.err();
  const std::string sender = to_hex_0x(from.chain_address());
  auto nonce = quantity_of(rpc_.call("eth_getTransactionCount", nlohmann::json::array({sender, "pending"})), "nonce");
  if (!nonce) return nonce.err();
  auto base_fee = block_field(rpc_, "baseFeePerGas");
  if (!base_fee) return base_fee.err();
  auto priority_fee = quantity_of(rpc_.call("eth_maxPriorityFeePerGas"), "eth_maxPriorityFeePerGas");
  if (!priority_fee) return priority_fee.err();
  auto estimate = quantity_of(rpc_.call("eth_estimateGas", nlohmann::json::array({call_object(from.chain_address(), to, data)})), "gas estimate");
  if (!estimate) return estimate.err();

  eip1559_transaction tx;
  tx.chain_id = *id;
  tx.nonce = *nonce;
  tx.max_priority_fee_per_gas_wei = *priority_fee;
  tx.max_fee_per_gas_wei = *base_fee * config_.base_fee_multiplier + *priority_fee;
  tx.gas_limit = *estimate + *estimate * config_.gas_margin_percent / 100;
  tx.to = to;
  tx.data = data;
  const bytes raw = tx.signed_raw(from);
  auto sent = rpc_.call("eth_sendRawTransaction", nlohmann::json::array({to_hex_0x(raw)}));
  if (!sent) return sent.err();
  const word expected_hash = keccak256(raw);
  if (!sent->is_string() || sent->get<std::string>() != to_hex_0x(expected_hash)) {
    return make_error(error_code::malformed_input, "the node named the transaction " + sent->dump() +
                                                       ", not its hash " + to_hex_0x(expected_hash));
  }
  auto receipt = wait_for_receipt(expected_hash);
  if (!receipt) return receipt.err();
  if (!receipt->succeeded) {
    return make_error(error_code::conflict, "transaction " + to_hex_0x(expected_hash) + " reverted in block " +
                                                std::to_string(receipt->block_number));
  }
  return receipt;
}

result<transaction_receipt> chain_client::wait_for_receipt(const word& transaction_hash) {
  const std::uint32_t attempts = config_.receipt_timeout_ms / config_.receipt_poll_interval_ms + 1;
  for (std::uint32_t attempt = 0; attempt < attempts; ++attempt) {
    auto reply = rpc_.call("eth_getTransactionReceipt", nlohmann::json::array({to_hex_0x(transaction_hash)}));
    if (!reply) return reply.err();
    if (!reply->is_null()) return parse_transaction_receipt(*reply);
    std::this_thread::sleep_for(std::chrono::milliseconds(config_.receipt_poll_interval_ms));
  }
  return make_error(error_code::timeout, "transaction " + to_hex_0x(transaction_hash) + " not mined within " +
                                             std::to_string(config_.receipt_timeout_ms) + " ms");
}

result<address> chain_client::deploy(const chain_key& from, const bytes& creation_code, std::uint64_t* gas_used) {
  auto receipt = send(from, std::nullopt, creation_code);
  if (!receipt) return receipt.err();
  if (!receipt->contract_address) return make_error(error_code::malformed_input, "creation receipt names no contract address");
  if (gas_used) *gas_used = receipt->gas_used;
  return *receipt->contract_address;
}

result<bytes> chain_client::call(const address& to, const bytes& data) {
  auto reply = rpc_.call("eth_call", nlohmann::json::array({call_object(std::nullopt, to, data), "latest"}));
  if (!reply) return reply.err();
  if (!reply->is_string()) return make_error(error_code::malformed_input, "eth_call result is not a hex string");
  return bytes_from_hex(reply->get<std::string>());
}

result<std::vector<chain_log>> chain_client::logs(const address& emitter, std::uint64_t from_block, std::uint64_t to_block,
                                                  std::optional<word> topic0) {
  nlohmann::json filter = {{"address", to_hex_0x(emitter)},
                           {"fromBlock", quantity_hex(from_block)},
                           {"toBlock", quantity_hex(to_block)}};
  if (topic0) filter["topics"] = nlohmann::json::array({to_hex_0x(*topic0)});
  auto reply = rpc_.call("eth_getLogs", nlohmann::json::array({filter}));
  if (!reply) return reply.err();
  if (!reply->is_array()) return make_error(error_code::malformed_input, "eth_getLogs result is not an array");
  std::vector<chain_log> out;
  for (const auto& entry : *reply) {
    auto log = parse_chain_log(entry);
    if (!log) return log.err();
    out.push_back(std::move(*log));
  }
  return out;
}

}  // namespace infergrid::chain

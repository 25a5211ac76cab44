#include "actors/settlement/chain/chain_receipt.hpp"

namespace infergrid::chain {
namespace {

result<std::string> string_field(const nlohmann::json& object, const char* name) {
  if (!object.is_object() || !object.contains(name) || !object[name].is_string()) {
    return make_error(error_code::malformed_input, std::string("chain node object lacks the string field ") + name);
  }
  return object[name].get<std::string>();
}

result<std::uint64_t> quantity_field(const nlohmann::json& object, const char* name) {
  auto text = string_field(object, name);
  if (!text) return text.err();
  return quantity_from_hex(*text);
}

}  // namespace

result<chain_log> parse_chain_log(const nlohmann::json& object) {
  chain_log log;
  auto emitter = string_field(object, "address");
  if (!emitter) return emitter.err();
  auto emitter_address = address_from_hex(*emitter);
  if (!emitter_address) return emitter_address.err();
  log.emitter = *emitter_address;
  if (!object.contains("topics") || !object["topics"].is_array()) {
    return make_error(error_code::malformed_input, "chain log lacks its topics");
  }
  for (const auto& topic : object["topics"]) {
    if (!topic.is_string()) return make_error(error_code::malformed_input, "chain log topic is not a string");
    auto parsed = word_from_hex(topic.get<std::string>());
    if (!parsed) return parsed.err();
    log.topics.push_back(*parsed);
  }
  auto data = string_field(object, "data");
  if (!data) return data.err();
  auto data_bytes = bytes_from_hex(*data);
  if (!data_bytes) return data_bytes.err();
  log.data = std::move(*data_bytes);
  auto block = quantity_field(object, "blockNumber");
  auto index = quantity_field(object, "logIndex");
  auto hash = string_field(object, "transactionHash");
  if (!block) return block.err();
  if (!index) return index.err();
  if (!hash) return hash.err();
  auto hash_word = word_from_hex(*hash);
  if (!hash_word) return hash_word.err();
  log.block_number = *block;
  log.log_index = *index;
  log.transaction_hash = *hash_word;
  log.removed = object.contains("removed") && object["removed"].is_boolean() && object["removed"].get<bool>();
  return log;
}

result<transaction_receipt> parse_transaction_receipt(const nlohmann::json& object) {
  transaction_receipt receipt;
  auto hash = string_field(object, "transactionHash");
  if (!hash) return hash.err();
  auto hash_word = word_from_hex(*hash);
  if (!hash_word) return hash_word.err();
  receipt.transaction_hash = *hash_word;
  auto status = quantity_field(object, "status");
  auto gas = quantity_field(object, "gasUsed");
  auto block = quantity_field(object, "blockNumber");
  if (!status) return status.err();
  if (!gas) return gas.err();
  if (!block) return block.err();
  receipt.succeeded = *status == 1;
  receipt.gas_used = *gas;
  receipt.block_number = *block;
  if (object.contains("contractAddress") && object["contractAddress"].is_string()) {
    auto created = address_from_hex(object["contractAddress"].get<std::string>());
    if (!created) return created.err();
    receipt.contract_address = *created;
  }
  if (!object.contains("logs") || !object["logs"].is_array()) return make_error(error_code::malformed_input, "receipt lacks its logs");
  for (const auto& entry : object["logs"]) {
    auto log = parse_chain_log(entry);
    if (!log) return log.err();
    receipt.logs.push_back(std::move(*log));
  }
  return receipt;
}

}  // namespace infergrid::chain

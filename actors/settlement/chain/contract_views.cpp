#include "actors/settlement/chain/contract_views.hpp"

#include <algorithm>

#include "actors/settlement/chain/abi.hpp"
#include "actors/settlement/chain/vault_calls.hpp"

namespace infergrid::chain {

result<word> read_word(chain_client& client, const address& contract, const bytes& call_data) {
  auto answer = client.call(contract, call_data);
  if (!answer.ok()) return answer.err();
  if (answer->size() != 32) {
    return make_error(error_code::malformed_input, "the view of " + to_hex_0x(contract) + " answered " +
                                                       std::to_string(answer->size()) + " bytes, not one 32-byte word");
  }
  word value{};
  std::copy(answer->begin(), answer->end(), value.begin());
  return value;
}

result<std::uint64_t> read_u64(chain_client& client, const address& contract, const bytes& call_data) {
  auto value = read_word(client, contract, call_data);
  if (!value.ok()) return value.err();
  return u64_from_word(*value);
}

result<address> read_address(chain_client& client, const address& contract, const bytes& call_data) {
  auto value = read_word(client, contract, call_data);
  if (!value.ok()) return value.err();
  return address_from_word(*value);
}

result<vault_anchor> read_anchor(chain_client& client, const address& vault, std::uint64_t epoch) {
  auto answer = client.call(vault, vault_call::anchors(epoch));
  if (!answer.ok()) return answer.err();
  const abi_reader reader(*answer);
  auto ledger_root = reader.word_at(0);
  auto balances_root = reader.word_at(1);
  auto withdrawable_at = reader.u64_at(2);
  if (!ledger_root.ok()) return ledger_root.err();
  if (!balances_root.ok()) return balances_root.err();
  if (!withdrawable_at.ok()) return withdrawable_at.err();
  return vault_anchor{*ledger_root, *balances_root, *withdrawable_at};
}

}  // namespace infergrid::chain

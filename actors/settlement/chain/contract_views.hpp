#pragma once
// contract_views: eth_call of a contract view whose answer is one 32-byte word (a uint256, an
// address, a bytes32), read as the type it holds; and the vault's anchor of an epoch. An answer of
// another length is `malformed_input`.
#include "actors/settlement/chain/chain_client.hpp"

namespace infergrid::chain {

result<word> read_word(chain_client& client, const address& contract, const bytes& call_data);
result<std::uint64_t> read_u64(chain_client& client, const address& contract, const bytes& call_data);  // must fit 64 bits
result<address> read_address(chain_client& client, const address& contract, const bytes& call_data);

// SettlementVault.anchors(epoch): withdrawable_at_seconds 0 means the epoch was never anchored.
struct vault_anchor {
  word ledger_root{};
  word balances_root{};
  std::uint64_t withdrawable_at_seconds = 0;
};
result<vault_anchor> read_anchor(chain_client& client, const address& vault, std::uint64_t epoch);

}  // namespace infergrid::chain

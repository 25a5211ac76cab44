#pragma once
// vault_calls: the call data of every SettlementVault and TestToken function settlement uses
// (contracts/SettlementVault.sol, contracts/TestToken.sol), one canonical signature each.
// The vault's amounts are ledger micro-units; the token's (mint, approve) are its base units
// (token_units.hpp converts).
#include <vector>

#include "actors/settlement/chain/abi.hpp"

namespace infergrid::chain {

enum class stake_role : std::uint8_t { miner = 1, validator = 2 };  // SettlementVault.Role

// The vault's constructor arguments (immutable for its lifetime: no owner can change them).
struct vault_parameters {
  address token{};
  address operator_address{};
  std::uint64_t unbonding_delay_seconds = 0;
  std::uint64_t challenge_window_seconds = 0;
  std::uint64_t miner_stake_min_micro = 0;
  std::uint64_t validator_stake_min_micro = 0;
  std::uint64_t conviction_quorum = 0;
  std::uint64_t slash_bps = 0;
  std::uint64_t slash_reporter_bps = 0;
};
bytes vault_constructor_arguments(const vault_parameters& parameters);

namespace vault_call {
bytes deposit(std::uint64_t amount_micro);
bytes stake(stake_role role, std::uint64_t amount_micro);
bytes unbond(std::uint64_t amount_micro);
bytes withdraw_unbonded();
bytes anchor_epoch(std::uint64_t epoch, const word& ledger_root, const word& balances_root);
bytes withdraw(std::uint64_t epoch, std::uint64_t cumulative_micro, const std::vector<word>& proof);
bytes slash(const address& miner, const word& evidence_hash, const std::vector<bytes>& signatures_rsv);
bytes bind_identity(const word& ed25519_public_key, const bytes& signature);
// Views (eth_call): each returns one uint256 / bytes32 word.
bytes pool();
bytes token();
bytes latest_epoch();
bytes anchors(std::uint64_t epoch);  // three words: ledgerRoot, balancesRoot, withdrawableAt (contract_views.hpp)
bytes staked_of(const address& account);
bytes unbonding_of(const address& account);
bytes withdrawn_of(const address& account);
bytes identity_of(const address& account);
bytes slash_digest(const address& miner, const word& evidence_hash);
bytes convicted(const word& evidence_hash);  // 1 when the vault has slashed on this evidence
// The immutable rules the vault was deployed with (vault_rules.hpp).
bytes conviction_quorum();
bytes slash_bps();
bytes slash_reporter_bps();
bytes miner_stake_min();
bytes validator_stake_min();
bytes token_units_per_micro();  // 10^(token decimals - 6): base units the token moves per micro-unit
}  // namespace vault_call

namespace token_call {
bytes mint(const address& to, const word& base_units);
bytes approve(const address& spender, const word& base_units);
bytes decimals();
bytes balance_of(const address& account);
}  // namespace token_call

}  // namespace infergrid::chain

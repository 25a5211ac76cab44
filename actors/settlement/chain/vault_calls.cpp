#include "actors/settlement/chain/vault_calls.hpp"

namespace infergrid::chain {

bytes vault_constructor_arguments(const vault_parameters& p) {
  return abi_encode({abi_address(p.token), abi_address(p.operator_address), abi_uint(p.unbonding_delay_seconds),
                     abi_uint(p.challenge_window_seconds), abi_uint(p.miner_stake_min_micro),
                     abi_uint(p.validator_stake_min_micro), abi_uint(p.conviction_quorum), abi_uint(p.slash_bps),
                     abi_uint(p.slash_reporter_bps)});
}

namespace vault_call {

bytes deposit(std::uint64_t amount_micro) { return abi_call("deposit(uint256)", {abi_uint(amount_micro)}); }

bytes stake(stake_role role, std::uint64_t amount_micro) {
  return abi_call("stake(uint8,uint256)", {abi_uint(static_cast<std::uint64_t>(role)), abi_uint(amount_micro)});
}

bytes unbond(std::uint64_t amount_micro) { return abi_call("unbond(uint256)", {abi_uint(amount_micro)}); }

bytes withdraw_unbonded() { return abi_call("withdrawUnbonded()", {}); }

bytes anchor_epoch(std::uint64_t epoch, const word& ledger_root, const word& balances_root) {
  return abi_call("anchorEpoch(uint64,bytes32,bytes32)", {abi_uint(epoch), ledger_root, balances_root});
}

bytes withdraw(std::uint64_t epoch, std::uint64_t cumulative_micro, const std::vector<word>& proof) {
  return abi_call("withdraw(uint64,uint256,bytes32[])", {abi_uint(epoch), abi_uint(cumulative_micro), abi_words{proof}});
}

bytes slash(const address& miner, const word& evidence_hash, const std::vector<bytes>& signatures_rsv) {
  return abi_call("slash(address,bytes32,bytes[])", {abi_address(miner), evidence_hash, abi_bytes_list{signatures_rsv}});
}

bytes bind_identity(const word& ed25519_public_key, const bytes& signature) {
  return abi_call("bindIdentity(bytes32,bytes)", {ed25519_public_key, abi_bytes{signature}});
}

bytes pool() { return abi_call("pool()", {}); }
bytes token() { return abi_call("token()", {}); }
bytes latest_epoch() { return abi_call("latestEpoch()", {}); }
bytes anchors(std::uint64_t epoch) { return abi_call("anchors(uint64)", {abi_uint(epoch)}); }
bytes staked_of(const address& account) { return abi_call("stakedOf(address)", {abi_address(account)}); }
bytes unbonding_of(const address& account) { return abi_call("unbondingOf(address)", {abi_address(account)}); }
bytes withdrawn_of(const address& account) { return abi_call("withdrawnOf(address)", {abi_address(account)}); }
bytes identity_of(const address& account) { return abi_call("identityOf(address)", {abi_address(account)}); }

bytes slash_digest(const address& miner, const word& evidence_hash) {
  return abi_call("slashDigest(address,bytes32)", {abi_address(miner), evidence_hash});
}

bytes convicted(const word& evidence_hash) { return abi_call("convicted(bytes32)", {evidence_hash}); }
bytes conviction_quorum() { return abi_call("convictionQuorum()", {}); }
bytes slash_bps() { return abi_call("slashBps()", {}); }
bytes slash_reporter_bps() { return abi_call("slashReporterBps()", {}); }
bytes miner_stake_min() { return abi_call("minerStakeMin()", {}); }
bytes validator_stake_min() { return abi_call("validatorStakeMin()", {}); }
bytes token_units_per_micro() { return abi_call("tokenUnitsPerMicro()", {}); }

}  // namespace vault_call

namespace token_call {

bytes mint(const address& to, const word& base_units) { return abi_call("mint(address,uint256)", {abi_address(to), base_units}); }

bytes approve(const address& spender, const word& base_units) {
  return abi_call("approve(address,uint256)", {abi_address(spender), base_units});
}

bytes decimals() { return abi_call("decimals()", {}); }

bytes balance_of(const address& account) { return abi_call("balanceOf(address)", {abi_address(account)}); }

}  // namespace token_call

}  // namespace infergrid::chain

#pragma once
// token_units: the ledger counts micro-units (10^-6 token); the vault's ERC-20 counts base units
// (10^-decimals: BTT has 18). The vault keeps its books in micro-units and moves amount ×
// tokenUnitsPerMicro() base units (contracts/SettlementVault.sol), so only a wallet's edge — an
// allowance, a mint, a wallet balance — is in base units. These convert between the two exactly.
#include "actors/settlement/chain/chain_client.hpp"

namespace infergrid::chain {

inline constexpr std::uint64_t token_decimals_min = 6;   // one base unit is at most one micro-unit
inline constexpr std::uint64_t token_decimals_max = 24;  // the vault's bound (10^18 units per micro)

__extension__ typedef unsigned __int128 uint128;  // GCC/Clang's; __extension__ keeps -Wpedantic quiet

struct token_scale {
  uint128 units_per_micro = 1;  // 10^(decimals - 6)
  bool operator==(const token_scale&) const = default;
};

result<token_scale> token_scale_of_decimals(std::uint64_t decimals);
// micro × units_per_micro as a uint256 (never overflows: under 2^64 × 10^18 < 2^124).
word token_units(std::uint64_t micro, const token_scale& scale);
// A base-unit amount in whole micro-units; refused when it holds a fraction of one or needs over 64 bits.
result<std::uint64_t> micro_of_token_units(const word& units, const token_scale& scale);
// The same, rounded down (a wallet may hold dust below a micro-unit); refused only beyond 64 bits.
result<std::uint64_t> micro_floor_of_token_units(const word& units, const token_scale& scale);

// The vault's tokenUnitsPerMicro() (one eth_call); a vault without it predates 18-decimal tokens.
result<token_scale> read_token_scale(chain_client& client, const address& vault);
// A token's decimals() as a scale.
result<token_scale> read_token_decimals(chain_client& client, const address& token);

}  // namespace infergrid::chain

#include "actors/settlement/chain/token_units.hpp"

#include "actors/settlement/chain/contract_views.hpp"
#include "actors/settlement/chain/vault_calls.hpp"

namespace infergrid::chain {
namespace {

using u128 = uint128;

word word_of(u128 value) {
  word out{};
  for (std::size_t i = 0; i < 16; ++i) out[31 - i] = static_cast<std::uint8_t>(value >> (8 * i));
  return out;
}

result<u128> u128_of(const word& value) {
  for (std::size_t i = 0; i < 16; ++i) {
    if (value[i] != 0) return make_error(error_code::too_large, "a token amount of " + to_hex_0x(value) + " is beyond what the ledger can book");
  }
  u128 out = 0;
  for (std::size_t i = 16; i < 32; ++i) out = (out << 8) | value[i];
  return out;
}

result<std::uint64_t> to_micro(u128 micro) {
  if (micro > UINT64_MAX) return make_error(error_code::too_large, "a token amount is beyond 2^64 micro-units");
  return static_cast<std::uint64_t>(micro);
}

}  // namespace

result<token_scale> token_scale_of_decimals(std::uint64_t decimals) {
  if (decimals < token_decimals_min || decimals > token_decimals_max) {
    return make_error(error_code::invalid_argument, "a token with " + std::to_string(decimals) +
                                                        " decimals cannot back the ledger: 6 to 24 are supported");
  }
  token_scale scale;
  for (std::uint64_t i = token_decimals_min; i < decimals; ++i) scale.units_per_micro *= 10;
  return scale;
}

word token_units(std::uint64_t micro, const token_scale& scale) { return word_of(u128{micro} * scale.units_per_micro); }

result<std::uint64_t> micro_of_token_units(const word& units, const token_scale& scale) {
  auto value = u128_of(units);
  if (!value) return value.err();
  if (*value % scale.units_per_micro != 0) {
    return make_error(error_code::invalid_argument, "a token amount of " + to_hex_0x(units) + " base units is not a whole number of micro-units");
  }
  return to_micro(*value / scale.units_per_micro);
}

result<std::uint64_t> micro_floor_of_token_units(const word& units, const token_scale& scale) {
  auto value = u128_of(units);
  if (!value) return value.err();
  return to_micro(*value / scale.units_per_micro);
}

result<token_scale> read_token_scale(chain_client& client, const address& vault) {
  auto read = read_word(client, vault, vault_call::token_units_per_micro());
  if (!read) {
    return make_error(read.err().code, "reading the vault's tokenUnitsPerMicro (a vault deployed before 18-decimal "
                                       "tokens has none; deploy a new one): " + read.err().message);
  }
  auto units = u128_of(*read);
  for (std::uint64_t decimals = token_decimals_min; units && decimals <= token_decimals_max; ++decimals) {
    auto scale = token_scale_of_decimals(decimals);
    if (scale->units_per_micro == *units) return scale;
  }
  return make_error(error_code::malformed_input, "the vault's tokenUnitsPerMicro " + to_hex_0x(*read) + " is not 10^0 to 10^18");
}

result<token_scale> read_token_decimals(chain_client& client, const address& token) {
  auto decimals = read_u64(client, token, token_call::decimals());
  if (!decimals) return make_error(decimals.err().code, "reading the token's decimals(): " + decimals.err().message);
  return token_scale_of_decimals(*decimals);
}

}  // namespace infergrid::chain

#include "actors/settlement/chain_withdrawal.hpp"

#include "actors/settlement/chain/withdrawal_statement.hpp"
#include "actors/settlement/chain_anchor.hpp"

namespace infergrid {

std::string chain_withdrawal_op_id(const chain_withdrawal_request& m) { return "chain-withdrawal/" + m.op_id; }

result<ledger::operation> chain_withdrawal_operation(const chain_bridge* bridge, const chain_withdrawal_request& m) {
  if (bridge == nullptr) {
    return make_error(error_code::unavailable, "this settlement actor has no chain bridge (chain_endpoint is not set)");
  }
  const std::optional<chain::address> account = paid_address_of(m.account, bridge->identities());
  if (!account) {
    return make_error(error_code::invalid_argument, "a withdrawal names its account as 0x + 40 lowercase hex digits, or as a "
                                                    "node identity bound to a wallet on the vault (" + m.account + " is neither)");
  }
  if (m.amount_micro <= 0) return make_error(error_code::invalid_argument, "the amount must be positive");
  if (m.op_id.empty()) return make_error(error_code::invalid_argument, "a withdrawal needs an op id");
  const std::uint64_t chain_id = bridge->chain_id();
  if (chain_id == 0) {
    return make_error(error_code::unavailable, "the chain node has not answered since this settlement actor started: "
                                               "its chain id, which a withdrawal statement names, is not known yet; retry");
  }
  IG_TRY(chain::verify_withdrawal(chain_id, bridge->vault(), *account, static_cast<std::uint64_t>(m.amount_micro), m.op_id,
                                  m.signature));
  return ledger::operation{ledger::withdraw_op{m.account, m.amount_micro}};
}

}  // namespace infergrid

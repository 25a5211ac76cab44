#pragma once
// chain_withdrawal: a signed chain_withdrawal_request (messages/chain_withdrawal.hpp) as the
// ledger operation it books — withdraw_op of the account's free balance, under op id
// "chain-withdrawal/<op_id>" — once the bridge is on, the account is spelled as the ledger spells
// chain addresses, the amount is positive and the account's chain key signed it.
#include "actors/settlement/chain_bridge.hpp"
#include "messages/chain_withdrawal.hpp"

namespace infergrid {

std::string chain_withdrawal_op_id(const chain_withdrawal_request& m);
result<ledger::operation> chain_withdrawal_operation(const chain_bridge* bridge, const chain_withdrawal_request& m);

}  // namespace infergrid

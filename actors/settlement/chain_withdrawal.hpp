#pragma once
// chain_withdrawal: a signed chain_withdrawal_request (messages/chain_withdrawal.hpp) as the
// ledger operation it books — withdraw_op of the account's free balance, under op id
// "chain-withdrawal/<op_id>" — once the bridge is on, the amount is positive and the account's chain
// key signed it: the account is spelled as the ledger spells chain addresses and signed by that
// address, or it is a node identity bound to an address (a miner's or validator's earnings) and
// signed by its bound wallet. Either way the withdrawal counts for that address's leaf.
#include "actors/settlement/chain_bridge.hpp"
#include "messages/chain_withdrawal.hpp"

namespace infergrid {

std::string chain_withdrawal_op_id(const chain_withdrawal_request& m);
result<ledger::operation> chain_withdrawal_operation(const chain_bridge* bridge, const chain_withdrawal_request& m);

}  // namespace infergrid

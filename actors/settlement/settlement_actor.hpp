#pragma once
// settlement_actor: the translation between the ledger protocol (messages/ledger.hpp) and ledger
// commands and acknowledgements. Pure functions; the handlers in settlement_actor.cpp use them.
#include <string>

#include "actors/settlement/ledger/ledger.hpp"
#include "messages/envelope.hpp"
#include "messages/ledger.hpp"

namespace infergrid {

// "sender#message_id": the id of the message that caused an entry.
std::string cause_of(const envelope& in);

ledger::operation to_operation(const ledger_deposit& m);
ledger::operation to_operation(const ledger_stake& m);
ledger::operation to_operation(const ledger_unbond& m);
ledger::operation to_operation(const ledger_withdraw_unbonded& m);
ledger::operation to_operation(const escrow_request& m);
ledger::operation to_operation(const settle_receipt& m);
ledger::operation to_operation(const refund_request& m);
ledger::operation to_operation(const verdict_message& m);
ledger::operation to_operation(const epoch_close& m);
// A verdict's op id: the one it carries, else "verdict/<request_id>/<validator>".
std::string op_id_of(const verdict_message& m);

ledger_ack to_ledger_ack(const ledger::acknowledgement& ack);
escrow_reply to_escrow_reply(const escrow_request& m, const ledger::acknowledgement& ack);
settle_reply to_settle_reply(const settle_receipt& m, const std::string& treasury, const ledger::acknowledgement& ack);
verdict_reply to_verdict_reply(const verdict_message& m, const ledger::acknowledgement& ack);
epoch_root to_epoch_root(const epoch_close& m, const public_key& signer, const ledger::acknowledgement& ack);

}  // namespace infergrid

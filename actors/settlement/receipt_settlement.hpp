#pragma once
// receipt_settlement: how a worker's completion_receipt (forwarded by the matchmaker, whose
// `receipts_to` names this actor) becomes a settle_receipt that pays its miner.
//
// The rule: the first receipt of a request that settlement accepts settles its escrow, paying its
// miner for exactly the prompt and completion tokens it signed (settlement_signature, see
// actors/gpu_worker/receipt_signing.hpp); the rest of the escrow goes back to the payer. After a
// failover the matchmaker sends, just before the finishing worker's receipt, a partial
// settle_receipt for each earlier worker from its last signed chunk claim (chunk_claim.hpp): each is
// paid for its own tokens, the prompt once, and the payer for what it received. A receipt for a
// request whose escrow already ended, or from a miner already paid for it, is a `conflict`
// (counted, logged). A receipt for a request with no escrow (the gateway's, or a bridge billing
// from its keys file) is counted and answered `not_found`. Every receipt is answered (a settle_reply
// or the refusal): the matchmaker sends one again until it is, so a settlement process that was
// down for a while still pays the work done meanwhile.
#include <string>

#include "messages/inference.hpp"
#include "actors/settlement/request_op_ids.hpp"
#include "messages/ledger.hpp"

namespace infergrid {

settle_receipt to_settle_receipt(const completion_receipt& receipt);

}  // namespace infergrid

#pragma once
// receipt_settlement: how a worker's completion_receipt (forwarded by the matchmaker, whose
// `receipts_to` names this actor) becomes a settle_receipt that pays its miner.
//
// The rule: the first receipt of a request that settlement accepts settles its escrow, paying its
// miner for exactly the prompt and completion tokens it signed (settlement_signature, see
// actors/gpu_worker/receipt_signing.hpp); the rest of the escrow goes back to the payer. A later
// receipt for the same request — another worker after a failover — is refused as a `conflict`
// (counted, logged): the ledger has no partial settlement, so after a failover the worker that
// finishes is paid for its own tokens and the tokens streamed before the failover are not charged
// (known gap). A receipt for a request with no escrow (the gateway's, or a bridge billing from its
// keys file) is counted and dropped.
#include <string>

#include "messages/inference.hpp"
#include "actors/settlement/request_op_ids.hpp"
#include "messages/ledger.hpp"

namespace infergrid {

settle_receipt to_settle_receipt(const completion_receipt& receipt);

}  // namespace infergrid

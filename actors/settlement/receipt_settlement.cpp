#include "actors/settlement/receipt_settlement.hpp"

#include "actors/gpu_worker/receipt_signing.hpp"
#include "actors/settlement/ledger/ledger.hpp"
#include "actors/settlement/price_conversion.hpp"
#include "actors/settlement/settlement_actor.hpp"
#include "actors/settlement/settlement_state.hpp"
#include "runtime/log.hpp"

namespace infergrid {

settle_receipt to_settle_receipt(const completion_receipt& receipt) {
  const ledger::settlement_receipt claim = settlement_claim_of(receipt);
  return settle_receipt{receipt_op_id(receipt),
                        claim.request_id,
                        claim.miner,
                        claim.prompt_tokens,
                        claim.completion_tokens,
                        claim.receipt_digest,
                        receipt.settlement_signature,
                        false,
                        message_price(claim.ask),
                        message_first_index(claim.first_index)};
}

void settlement_state::settle_from_receipt(const completion_receipt& receipt, const envelope& in) {
  const ledger::ledger_state& state = books.state();
  // Escrowed at all: open now, or settled or refunded before (then the ledger answers "already
  // settled"). A lookup that fails goes to the ledger too, which answers with the error.
  const auto escrowed = state.find_escrow(receipt.request_id) != nullptr ? result<bool>(true)
                                                                         : state.escrow_closed(receipt.request_id);
  if (escrowed.ok() && !*escrowed) {
    ++receipts_without_escrow;
    log(log_level::debug, ctx.address(), "receipt for {} has no escrow (not billed through settlement)", receipt.request_id);
    return;
  }
  settle_receipt m = to_settle_receipt(receipt);
  std::string op_id = m.op_id;
  // Not answered: the matchmaker forwards receipts without waiting. Refusals (a forged or damaged
  // receipt, a second worker's receipt after the first settled) are counted and logged.
  enqueue(ledger::command{std::move(op_id), cause_of(in), to_operation(m)},
          [this, request_id = receipt.request_id, worker_id = receipt.worker_id](result<ledger::acknowledgement> ack) {
            if (!ack.ok()) {
              ctx.note_error(ack.err());
              log(log_level::warn, ctx.address(), "receipt for {} from worker {} not settled: {}", request_id,
                  worker_id.substr(0, 16), ack.err().message);
              return;
            }
            log(log_level::debug, ctx.address(), "receipt for {} settled at entry {}{}", request_id, ack->seq,
                ack->replayed ? " (replayed)" : "");
          });
}

}  // namespace infergrid

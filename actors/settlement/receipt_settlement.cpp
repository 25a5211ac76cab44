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
  const reply_token token = detail::token_for(in);
  const ledger::ledger_state& state = books.state();
  // Escrowed at all: open now, or settled or refunded before (then the ledger answers "already
  // settled"). A lookup that fails goes to the ledger too, which answers with the error.
  const auto escrowed = state.find_escrow(receipt.request_id) != nullptr ? result<bool>(true)
                                                                         : state.escrow_closed(receipt.request_id);
  if (escrowed.ok() && !*escrowed) {
    ++receipts_without_escrow;
    log(log_level::debug, ctx.address(), "receipt for {} has no escrow (not billed through settlement)", receipt.request_id);
    (void)ctx.reply_error(token, make_error(error_code::not_found, "no escrow for " + receipt.request_id +
                                                                       ": it was not billed through settlement"));
    return;
  }
  settle_receipt m = to_settle_receipt(receipt);
  std::string op_id = m.op_id;
  // Answered: the matchmaker sends each receipt again until it is (retried_requests.hpp). Refusals
  // (a forged or damaged receipt, a second worker's receipt after the first settled) are counted
  // and logged here too.
  enqueue(ledger::command{std::move(op_id), cause_of(in), to_operation(m)},
          [this, token, m, worker_id = receipt.worker_id](result<ledger::acknowledgement> ack) {
            if (!ack.ok()) {
              ctx.note_error(ack.err());
              log(log_level::warn, ctx.address(), "receipt for {} from worker {} not settled: {}", m.request_id,
                  worker_id.substr(0, 16), ack.err().message);
              (void)ctx.reply_error(token, ack.err());
              return;
            }
            log(log_level::debug, ctx.address(), "receipt for {} settled at entry {}{}", m.request_id, ack->seq,
                ack->replayed ? " (replayed)" : "");
            (void)ctx.reply(token, to_settle_reply(m, config.ledger.treasury_account, *ack));
          });
}

}  // namespace infergrid

// ledger_state: escrow per request, settlement on the miner's signed receipt, refunds.
#include <algorithm>

#include "actors/settlement/ledger/ledger_assert.hpp"
#include "actors/settlement/ledger/ledger_state.hpp"
#include "actors/settlement/ledger/operation_codec.hpp"
#include "runtime/identity.hpp"

namespace infergrid::ledger {
namespace {

// A public key from an account id (64 hex digits).
result<public_key> key_of(std::string_view account_id) {
  public_key key{};
  if (auto parsed = from_hex(account_id, key); !parsed) {
    return make_error(error_code::invalid_argument, "account " + std::string(account_id) + " is not a public key: " +
                                                        parsed.err().message);
  }
  return key;
}

}  // namespace

status verify_account_signature(std::string_view account_id, std::span<const std::uint8_t> message,
                                std::span<const std::uint8_t> sig_bytes) {
  auto key = key_of(account_id);
  if (!key) return key.err();
  signature sig{};
  if (sig_bytes.size() != sig.size()) return make_error(error_code::bad_signature, "signature is not 64 bytes");
  std::copy(sig_bytes.begin(), sig_bytes.end(), sig.begin());
  if (!verify_signature(*key, message, sig)) {
    return make_error(error_code::bad_signature, "signature of " + std::string(account_id) + " does not verify");
  }
  return {};
}

result<outcome> ledger_state::apply_one(const escrow_op& op) {
  if (op.request_id.empty() || op.request_id.size() > account_id_bytes_max) {
    return make_error(error_code::invalid_argument, "request id must be 1 to 128 bytes");
  }
  if (op.max_cost_micro <= 0 || op.prompt_price_per_1k_micro < 0 || op.completion_price_per_1k_micro < 0 ||
      op.expires_at_unix_ms < 0) {
    return make_error(error_code::invalid_argument,
                      "escrow needs a positive maximum cost, non-negative prices and a non-negative expiry");
  }
  // An id is escrowed once in the ledger's life (open now, or settled or refunded before).
  auto escrowed_before = escrows_.contains(op.request_id) ? result<bool>(true)
                                                          : requests_->escrowed_before(op.request_id, applied_ + 1);
  if (!escrowed_before) return escrowed_before.err();
  if (*escrowed_before) return make_error(error_code::conflict, "request " + op.request_id + " already has an escrow");
  if (escrows_.size() >= open_escrows_max) return make_error(error_code::too_large, "too many open escrows");
  IG_TRY(existing(op.payer));
  plan p;
  p.add(op.payer, bucket::balance, -op.max_cost_micro);
  p.add(op.payer, bucket::escrowed, op.max_cost_micro);
  auto out = run(std::move(p));
  if (out) {
    escrows_.emplace(op.request_id, escrow{op.payer, op.max_cost_micro, op.prompt_price_per_1k_micro,
                                           op.completion_price_per_1k_micro, op.expires_at_unix_ms});
    // A failure here is the index's I/O: the ledger aborts the batch and rebuilds this state.
    IG_TRY(requests_->record(op.request_id, applied_ + 1));
  }
  return out;
}

receipt_ask paid_price(const escrow& e, const settlement_receipt& receipt) {
  const receipt_ask cap{e.prompt_price_per_1k_micro, e.completion_price_per_1k_micro};
  if (!receipt.ask) return cap;
  return {std::min(receipt.ask->prompt_per_1k_micro, cap.prompt_per_1k_micro),
          std::min(receipt.ask->completion_per_1k_micro, cap.completion_per_1k_micro)};
}

static result<const escrow*> open_escrow(const ledger_state& state, const std::string& request_id) {
  auto closed = state.escrow_closed(request_id);
  if (!closed) return closed.err();
  if (*closed) {
    return make_error(error_code::conflict, "request " + request_id + " is already settled or refunded");
  }
  const escrow* e = state.find_escrow(request_id);
  if (e == nullptr) return make_error(error_code::not_found, "no escrow for request " + request_id);
  return e;
}

result<ledger_state::claim_plan> ledger_state::plan_claim(const settlement_receipt& receipt,
                                                          const byte_vector& miner_signature) const {
  auto open = open_escrow(*this, receipt.request_id);
  if (!open) return open.err();
  const escrow& e = **open;
  // A miner's first payment opens its account (its id is the key that signed the receipt).
  const account* miner = find(receipt.miner);
  if (miner != nullptr && miner->kind != account_kind::miner) {
    return make_error(error_code::invalid_argument, "account " + receipt.miner + " is not a miner");
  }
  if (receipt.receipt_digest.size() != 32) return make_error(error_code::invalid_argument, "receipt digest is not 32 bytes");
  if (receipt.ask && (receipt.ask->prompt_per_1k_micro < 0 || receipt.ask->completion_per_1k_micro < 0)) {
    return make_error(error_code::invalid_argument, "receipt asks a negative price");
  }
  if (receipt.prompt_tokens > receipt_tokens_max || receipt.completion_tokens > receipt_tokens_max) {
    return make_error(error_code::too_large, "receipt claims more tokens than any request may have");
  }
  if (receipt.first_index && (*receipt.first_index < 0 || *receipt.first_index > receipt_tokens_max)) {
    return make_error(error_code::invalid_argument, "receipt starts at position " + std::to_string(*receipt.first_index) +
                                                        ", outside any request");
  }
  IG_TRY(verify_account_signature(receipt.miner, signing_bytes(receipt), miner_signature));
  IG_TRY(e.paid.check(receipt));
  // The prompt is charged once per request, with its first payment (a resumed worker prefills it again).
  const std::int64_t prompt_tokens = e.paid.empty() ? receipt.prompt_tokens : 0;
  const receipt_ask price = paid_price(e, receipt);
  auto cost = token_cost_micro(prompt_tokens, price.prompt_per_1k_micro, receipt.completion_tokens,
                               price.completion_per_1k_micro);
  if (!cost) return cost.err();
  // The escrow is the most the payer agreed to: a claim for more is paid what the escrow still holds.
  claim_plan out{e, {}, std::min(*cost, e.held_micro)};
  const micro_units fee_micro = mul_div_floor(out.cost_micro, config_.fee_bps, basis_points_whole);
  out.miner_micro = out.cost_micro - fee_micro;
  out.payment.creates.emplace_back(config_.treasury_account, account_kind::treasury);
  out.payment.creates.emplace_back(receipt.miner, account_kind::miner);
  out.payment.add(e.payer, bucket::escrowed, -out.cost_micro);
  out.payment.add(receipt.miner, bucket::balance, out.miner_micro);
  out.payment.add(config_.treasury_account, bucket::balance, fee_micro);
  return out;
}

void ledger_state::count_settled_work(const settlement_receipt& receipt, const claim_plan& claim) {
  const escrow& e = claim.held;
  epoch_tokens_[receipt.miner] += (e.paid.empty() ? receipt.prompt_tokens : 0) + receipt.completion_tokens;
  // Value paid by someone else: a miner paying itself moves nothing and earns no reward share.
  // Saturates at amount_max_micro (a share of the score, never a payment).
  if (e.payer != receipt.miner && claim.miner_micro > 0) {
    micro_units& value = epoch_value_paid_[receipt.miner];
    value = static_cast<micro_units>(std::min<wide_integer>(amount_max_micro, static_cast<wide_integer>(value) + claim.miner_micro));
  }
}

result<outcome> ledger_state::apply_one(const settle_op& op) {
  auto claim = plan_claim(op.receipt, op.miner_signature);
  if (!claim) return claim.err();
  const escrow& e = claim->held;
  const micro_units refund_micro = e.held_micro - claim->cost_micro;
  IG_LEDGER_ASSERT(claim->cost_micro + refund_micro == e.held_micro);  // held = settled + refunded
  claim->payment.add(e.payer, bucket::escrowed, -refund_micro);
  claim->payment.add(e.payer, bucket::balance, refund_micro);
  auto out = run(std::move(claim->payment));
  if (out) {
    count_settled_work(op.receipt, *claim);
    escrows_.erase(op.receipt.request_id);
  }
  return out;
}

result<outcome> ledger_state::apply_one(const partial_settle_op& op) {
  auto claim = plan_claim(op.receipt, op.miner_signature);
  if (!claim) return claim.err();
  auto out = run(std::move(claim->payment));
  if (out) {
    count_settled_work(op.receipt, *claim);
    escrow& open = escrows_.find(op.receipt.request_id)->second;
    open.held_micro -= claim->cost_micro;
    IG_LEDGER_ASSERT(open.held_micro >= 0);
    open.paid.add(op.receipt);
  }
  return out;
}

result<outcome> ledger_state::apply_one(const refund_op& op) {
  if (op.reason.size() > refund_reason_bytes_max) return make_error(error_code::too_large, "refund reason too long");
  auto held = open_escrow(*this, op.request_id);
  if (!held) return held.err();
  const escrow e = **held;
  plan p;
  p.add(e.payer, bucket::escrowed, -e.held_micro);
  p.add(e.payer, bucket::balance, e.held_micro);
  auto out = run(std::move(p));
  if (out) {
    escrows_.erase(op.request_id);
  }
  return out;
}

}  // namespace infergrid::ledger

#include "actors/settlement/ledger/signed_ops.hpp"

#include "actors/settlement/ledger/operation_codec.hpp"

namespace infergrid::ledger {

std::string account_of(const identity& holder) { return to_hex(holder.public_id()); }

settle_op make_settle(const identity& miner, std::string request_id, std::int64_t prompt_tokens,
                      std::int64_t completion_tokens, const digest& receipt_digest, std::optional<receipt_ask> ask,
                      std::optional<std::int64_t> first_index) {
  settle_op op;
  op.receipt = settlement_receipt{std::move(request_id), account_of(miner), prompt_tokens, completion_tokens,
                                  byte_vector(receipt_digest.begin(), receipt_digest.end()), ask, first_index};
  const signature sig = miner.sign(signing_bytes(op.receipt));
  op.miner_signature.assign(sig.begin(), sig.end());
  return op;
}

partial_settle_op make_partial_settle(const identity& miner, std::string request_id, std::int64_t prompt_tokens,
                                      std::int64_t completion_tokens, const digest& receipt_digest,
                                      std::optional<receipt_ask> ask, std::optional<std::int64_t> first_index) {
  settle_op whole =
      make_settle(miner, std::move(request_id), prompt_tokens, completion_tokens, receipt_digest, ask, first_index);
  return partial_settle_op{std::move(whole.receipt), std::move(whole.miner_signature)};
}

verdict_op make_verdict(const identity& validator, std::string request_id, std::string miner_account, bool guilty) {
  verdict_op op;
  op.body = verdict{std::move(request_id), std::move(miner_account), account_of(validator), guilty};
  const signature sig = validator.sign(signing_bytes(op.body));
  op.validator_signature.assign(sig.begin(), sig.end());
  return op;
}

}  // namespace infergrid::ledger

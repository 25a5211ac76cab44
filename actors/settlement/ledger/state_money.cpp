// ledger_state: money in and out (deposit, withdraw, mint, burn) and transfers.
#include "actors/settlement/ledger/ledger_state.hpp"

namespace infergrid::ledger {
namespace {

status positive(micro_units amount_micro) {
  if (amount_micro <= 0 || amount_micro > amount_max_micro) {
    return make_error(error_code::invalid_argument, "amount must be positive, got " + std::to_string(amount_micro));
  }
  return {};
}

}  // namespace

// Money entering the ledger (deposit: from outside; mint: created by the network).
result<outcome> ledger_state::supply_in(const std::string& id, account_kind kind_if_new, micro_units amount_micro) {
  IG_TRY(validate_account_id(id));
  IG_TRY(positive(amount_micro));
  plan p;
  p.creates.emplace_back(id, kind_if_new);
  p.add(id, bucket::balance, amount_micro);
  p.supply_delta_micro = amount_micro;
  return run(std::move(p));
}

// Money leaving the ledger (withdraw: to outside; burn: destroyed by the network).
result<outcome> ledger_state::supply_out(const std::string& id, micro_units amount_micro) {
  IG_TRY(positive(amount_micro));
  IG_TRY(existing(id));
  plan p;
  p.add(id, bucket::balance, -amount_micro);
  p.supply_delta_micro = -amount_micro;
  return run(std::move(p));
}

result<outcome> ledger_state::apply_one(const deposit_op& op) {
  if (op.kind >= account_kind_count) return make_error(error_code::invalid_argument, "unknown account kind");
  return supply_in(op.account, static_cast<account_kind>(op.kind), op.amount_micro);
}

result<outcome> ledger_state::apply_one(const withdraw_op& op) {
  auto out = supply_out(op.account, op.amount_micro);
  if (out) withdrawn_micro_[op.account] += op.amount_micro;
  return out;
}

result<outcome> ledger_state::apply_one(const mint_op& op) {
  return supply_in(op.account, kind_for_new(op.account), op.amount_micro);
}

result<outcome> ledger_state::apply_one(const burn_op& op) { return supply_out(op.account, op.amount_micro); }

result<outcome> ledger_state::apply_one(const transfer_op& op) {
  IG_TRY(validate_account_id(op.to));
  IG_TRY(positive(op.amount_micro));
  IG_TRY(existing(op.from));
  if (op.from == op.to) return make_error(error_code::invalid_argument, "transfer to the same account");
  plan p;
  p.creates.emplace_back(op.to, kind_for_new(op.to));
  p.add(op.from, bucket::balance, -op.amount_micro);
  p.add(op.to, bucket::balance, op.amount_micro);
  return run(std::move(p));
}

}  // namespace infergrid::ledger

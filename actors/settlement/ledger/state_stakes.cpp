// ledger_state: stakes — bond, unbond (locked for unbonding_epochs), withdraw matured unbondings.
#include "actors/settlement/ledger/ledger_assert.hpp"
#include "actors/settlement/ledger/ledger_state.hpp"

namespace infergrid::ledger {

result<outcome> ledger_state::apply_one(const stake_op& op) {
  if (op.amount_micro <= 0) return make_error(error_code::invalid_argument, "stake must be positive");
  auto a = existing(op.account);
  if (!a) return a.err();
  if ((*a)->kind != account_kind::miner && (*a)->kind != account_kind::validator) {
    return make_error(error_code::invalid_argument, "account " + op.account + " is not a miner or validator");
  }
  plan p;
  p.add(op.account, bucket::balance, -op.amount_micro);
  p.add(op.account, bucket::staked, op.amount_micro);
  auto out = run(std::move(p));
  if (out) {
    account& staker = accounts_.find(op.account)->second;
    if (staker.first_stake_epoch < 0) {
      staker.first_stake_epoch = epoch_;
      // Staked while the last demand-driven close found the grid short of supply: early.
      if (early_window_open_ && staker.kind == account_kind::miner) early_by_demand_.insert(op.account);
    }
  }
  return out;
}

result<outcome> ledger_state::apply_one(const unbond_op& op) {
  if (op.amount_micro <= 0) return make_error(error_code::invalid_argument, "unbond amount must be positive");
  IG_TRY(existing(op.account));
  auto& pending = unbondings_[op.account];
  if (pending.size() >= unbondings_per_account_max) {
    if (pending.empty()) unbondings_.erase(op.account);
    return make_error(error_code::too_large, "account " + op.account + " has 64 unbondings pending; withdraw first");
  }
  plan p;
  p.add(op.account, bucket::staked, -op.amount_micro);
  p.add(op.account, bucket::unbonding, op.amount_micro);
  auto out = run(std::move(p));
  if (out) {
    pending.push_back(unbonding{op.amount_micro, epoch_ + config_.unbonding_epochs});
  } else if (pending.empty()) {
    unbondings_.erase(op.account);
  }
  return out;
}

result<outcome> ledger_state::apply_one(const withdraw_unbonded_op& op) {
  IG_TRY(existing(op.account));
  auto it = unbondings_.find(op.account);
  micro_units matured_micro = 0;
  if (it != unbondings_.end()) {
    for (const unbonding& entry : it->second) {
      if (entry.release_epoch <= epoch_) matured_micro += entry.amount_micro;
    }
  }
  if (matured_micro == 0) {
    return make_error(error_code::conflict, "account " + op.account + " has no unbonded stake past its unbonding period");
  }
  plan p;
  p.add(op.account, bucket::unbonding, -matured_micro);
  p.add(op.account, bucket::balance, matured_micro);
  auto out = run(std::move(p));
  if (out) {
    std::erase_if(it->second, [this](const unbonding& entry) { return entry.release_epoch <= epoch_; });
    if (it->second.empty()) unbondings_.erase(it);
  }
  return out;
}

result<outcome> ledger_state::apply_one(const unbonding_paid_op& op) {
  if (op.amount_micro <= 0) return make_error(error_code::invalid_argument, "unbonding paid out must be positive");
  IG_TRY(existing(op.account));
  auto it = unbondings_.find(op.account);
  micro_units pending_micro = 0;
  if (it != unbondings_.end()) {
    for (const unbonding& entry : it->second) pending_micro += entry.amount_micro;
  }
  if (pending_micro < op.amount_micro) {
    return make_error(error_code::conflict, "account " + op.account + " has " + std::to_string(pending_micro) +
                                                " micro unbonding, less than the " + std::to_string(op.amount_micro) +
                                                " paid out");
  }
  plan p;
  p.add(op.account, bucket::unbonding, -op.amount_micro);
  p.supply_delta_micro = -op.amount_micro;
  auto out = run(std::move(p));
  if (!out) return out;
  // Oldest first: the vault's delay is the same for every unbonding, so the first to mature are
  // the first requested.
  auto& pending = it->second;
  micro_units left = op.amount_micro;
  std::size_t emptied = 0;
  for (; emptied < pending.size() && left > 0; ++emptied) {
    const micro_units take = std::min(left, pending[emptied].amount_micro);
    pending[emptied].amount_micro -= take;
    left -= take;
    if (pending[emptied].amount_micro > 0) break;
  }
  pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(emptied));
  if (pending.empty()) unbondings_.erase(it);
  return out;
}

// Takes amount_micro out of the miner's unbond requests, newest first (a slash reaches locked stake).
void ledger_state::take_from_unbondings(const std::string& miner, micro_units amount_micro) {
  if (amount_micro == 0) return;
  auto it = unbondings_.find(miner);
  IG_LEDGER_ASSERT(it != unbondings_.end());
  auto& pending = it->second;
  for (std::size_t bound = 0; amount_micro > 0 && bound < unbondings_per_account_max; ++bound) {
    IG_LEDGER_ASSERT(!pending.empty());
    unbonding& newest = pending.back();
    const micro_units taken = std::min(newest.amount_micro, amount_micro);
    newest.amount_micro -= taken;
    amount_micro -= taken;
    if (newest.amount_micro == 0) pending.pop_back();
  }
  IG_LEDGER_ASSERT(amount_micro == 0);
  if (pending.empty()) unbondings_.erase(it);
}

}  // namespace infergrid::ledger

#include "actors/settlement/ledger/fake_ledger_model.hpp"

#include <algorithm>

namespace infergrid::ledger::testing {

micro_units fake_ledger_model::get(const std::string& id, bucket b) const {
  auto it = accounts_.find(id);
  return it == accounts_.end() ? 0 : it->second.buckets[static_cast<int>(b)];
}

bool fake_ledger_model::predict_and_apply(const operation& op) {
  if (const auto* o = std::get_if<deposit_op>(&op)) {
    if (!accounts_.contains(o->account)) accounts_[o->account].kind = static_cast<account_kind>(o->kind);
    at(o->account, bucket::balance) += o->amount_micro;
    supply_micro_ += o->amount_micro;
    return true;
  }
  if (const auto* o = std::get_if<mint_op>(&op)) {
    if (!accounts_.contains(o->account)) accounts_[o->account].kind = account_kind::treasury;
    at(o->account, bucket::balance) += o->amount_micro;
    supply_micro_ += o->amount_micro;
    return true;
  }
  if (const auto* o = std::get_if<withdraw_op>(&op)) {
    if (!accounts_.contains(o->account) || get(o->account, bucket::balance) < o->amount_micro) return false;
    at(o->account, bucket::balance) -= o->amount_micro;
    supply_micro_ -= o->amount_micro;
    return true;
  }
  if (const auto* o = std::get_if<transfer_op>(&op)) {
    if (!accounts_.contains(o->from) || o->from == o->to || get(o->from, bucket::balance) < o->amount_micro) return false;
    at(o->from, bucket::balance) -= o->amount_micro;
    at(o->to, bucket::balance) += o->amount_micro;
    return true;
  }
  if (const auto* o = std::get_if<stake_op>(&op)) {
    auto it = accounts_.find(o->account);
    if (it == accounts_.end() || it->second.kind == account_kind::developer || it->second.kind == account_kind::treasury ||
        get(o->account, bucket::balance) < o->amount_micro) {
      return false;
    }
    at(o->account, bucket::balance) -= o->amount_micro;
    at(o->account, bucket::staked) += o->amount_micro;
    return true;
  }
  if (const auto* o = std::get_if<unbond_op>(&op)) {
    auto it = accounts_.find(o->account);
    if (it == accounts_.end() || get(o->account, bucket::staked) < o->amount_micro ||
        it->second.unbondings.size() >= unbondings_per_account_max) {
      return false;
    }
    at(o->account, bucket::staked) -= o->amount_micro;
    at(o->account, bucket::unbonding) += o->amount_micro;
    accounts_[o->account].unbondings.push_back({o->amount_micro, epoch_ + config_.unbonding_epochs});
    return true;
  }
  if (const auto* o = std::get_if<withdraw_unbonded_op>(&op)) {
    auto it = accounts_.find(o->account);
    if (it == accounts_.end()) return false;
    micro_units matured = 0;
    for (const auto& u : it->second.unbondings) matured += u.release_epoch <= epoch_ ? u.amount_micro : 0;
    if (matured == 0) return false;
    std::erase_if(it->second.unbondings, [this](const unbonding& u) { return u.release_epoch <= epoch_; });
    at(o->account, bucket::unbonding) -= matured;
    at(o->account, bucket::balance) += matured;
    return true;
  }
  if (const auto* o = std::get_if<chain_slash_op>(&op)) {
    // The generator never names a request the ledger convicted (see the property test).
    auto it = accounts_.find(o->miner);
    const auto voters = static_cast<micro_units>(o->voters.size());
    if (it == accounts_.end() || it->second.kind != account_kind::miner || o->forfeit_micro <= 0 || voters == 0 ||
        o->reward_per_voter_micro < 0 || o->treasury_share_micro < 0 ||
        o->reward_per_voter_micro * voters + o->treasury_share_micro != o->forfeit_micro ||
        get(o->miner, bucket::staked) + get(o->miner, bucket::unbonding) < o->forfeit_micro) {
      return false;
    }
    const micro_units from_staked = std::min(o->forfeit_micro, get(o->miner, bucket::staked));
    micro_units from_unbonding = o->forfeit_micro - from_staked;
    at(o->miner, bucket::staked) -= from_staked;
    at(o->miner, bucket::unbonding) -= from_unbonding;
    auto& pending = it->second.unbondings;  // newest first, as the vault takes them
    while (from_unbonding > 0) {
      const micro_units take = std::min(from_unbonding, pending.back().amount_micro);
      pending.back().amount_micro -= take;
      from_unbonding -= take;
      if (pending.back().amount_micro == 0) pending.pop_back();
    }
    for (const std::string& voter : o->voters) {
      if (!accounts_.contains(voter)) accounts_[voter].kind = account_kind::validator;
      at(voter, bucket::balance) += o->reward_per_voter_micro;
    }
    if (!accounts_.contains(config_.treasury_account)) accounts_[config_.treasury_account].kind = account_kind::treasury;
    at(config_.treasury_account, bucket::balance) += o->treasury_share_micro;
    return true;
  }
  if (const auto* o = std::get_if<unbonding_paid_op>(&op)) {
    auto it = accounts_.find(o->account);
    if (it == accounts_.end() || get(o->account, bucket::unbonding) < o->amount_micro) return false;
    micro_units left = o->amount_micro;
    auto& pending = it->second.unbondings;
    while (left > 0) {
      const micro_units take = std::min(left, pending.front().amount_micro);
      pending.front().amount_micro -= take;
      left -= take;
      if (pending.front().amount_micro == 0) pending.erase(pending.begin());
    }
    at(o->account, bucket::unbonding) -= o->amount_micro;
    supply_micro_ -= o->amount_micro;
    return true;
  }
  if (const auto* o = std::get_if<escrow_op>(&op)) {
    if (escrows_.contains(o->request_id) || closed_.contains(o->request_id) || !accounts_.contains(o->payer) ||
        get(o->payer, bucket::balance) < o->max_cost_micro) {
      return false;
    }
    at(o->payer, bucket::balance) -= o->max_cost_micro;
    at(o->payer, bucket::escrowed) += o->max_cost_micro;
    escrows_[o->request_id] = {o->payer, o->max_cost_micro, o->prompt_price_per_1k_micro, o->completion_price_per_1k_micro};
    return true;
  }
  if (const auto* o = std::get_if<settle_op>(&op)) {
    auto it = escrows_.find(o->receipt.request_id);
    micro_units cost = 0;
    if (it == escrows_.end() || !pay(o->receipt, it->second, &cost)) return false;
    const model_escrow& e = it->second;
    at(e.payer, bucket::escrowed) -= e.held_micro - cost;
    at(e.payer, bucket::balance) += e.held_micro - cost;
    escrows_.erase(it);
    closed_[o->receipt.request_id] = true;
    return true;
  }
  if (const auto* o = std::get_if<partial_settle_op>(&op)) {
    auto it = escrows_.find(o->receipt.request_id);
    micro_units cost = 0;
    if (it == escrows_.end() || !pay(o->receipt, it->second, &cost)) return false;
    it->second.held_micro -= cost;
    it->second.paid.push_back({o->receipt.miner, o->receipt.first_index, o->receipt.completion_tokens});
    return true;
  }
  if (const auto* o = std::get_if<refund_op>(&op)) {
    auto it = escrows_.find(o->request_id);
    if (it == escrows_.end()) return false;
    at(it->second.payer, bucket::escrowed) -= it->second.held_micro;
    at(it->second.payer, bucket::balance) += it->second.held_micro;
    escrows_.erase(it);
    closed_[o->request_id] = true;
    return true;
  }
  return false;  // verdicts and epoch closes go through adopt()
}

bool fake_ledger_model::pay(const settlement_receipt& receipt, model_escrow& e, micro_units* cost) {
  auto miner = accounts_.find(receipt.miner);
  if (miner != accounts_.end() && miner->second.kind != account_kind::miner) return false;
  if (receipt.first_index && (*receipt.first_index < 0 || *receipt.first_index > 1'000'000'000)) return false;
  // A position is paid once; a claim without positions, once per miner.
  for (const model_escrow::paid_claim& p : e.paid) {
    const bool both_placed = p.first_index && receipt.first_index;
    if (p.miner == receipt.miner && (!both_placed || *p.first_index == *receipt.first_index)) return false;
    if (both_placed && std::max(*p.first_index, *receipt.first_index) <
                           std::min(*p.first_index + p.tokens, *receipt.first_index + receipt.completion_tokens)) {
      return false;
    }
  }
  if (miner == accounts_.end()) accounts_[receipt.miner].kind = account_kind::miner;  // first payment opens it
  // Independent arithmetic: the prompt counts with the first payment only; cost in micro-units,
  // rounded down, capped at what the escrow still holds.
  const std::int64_t prompt = e.paid.empty() ? receipt.prompt_tokens : 0;
  // The miner's ask where it signed one, never above the escrow's prices.
  std::int64_t prompt_price = e.prompt_price_per_1k_micro, completion_price = e.completion_price_per_1k_micro;
  if (receipt.ask) {
    if (receipt.ask->prompt_per_1k_micro < 0 || receipt.ask->completion_per_1k_micro < 0) return false;
    prompt_price = std::min(prompt_price, receipt.ask->prompt_per_1k_micro);
    completion_price = std::min(completion_price, receipt.ask->completion_per_1k_micro);
  }
  const std::int64_t priced = prompt * prompt_price + receipt.completion_tokens * completion_price;
  *cost = std::min(priced / 1000, e.held_micro);
  const micro_units fee = *cost * config_.fee_bps / 10'000;
  at(e.payer, bucket::escrowed) -= *cost;
  at(receipt.miner, bucket::balance) += *cost - fee;
  accounts_[config_.treasury_account].kind = account_kind::treasury;
  at(config_.treasury_account, bucket::balance) += fee;
  return true;
}

std::string fake_ledger_model::adopt(const operation& op, const outcome& out) {
  micro_units sum = 0;
  for (const posting& p : out.postings) sum += p.delta_micro;
  if (sum != 0) return "postings do not sum to zero";
  if (const auto* close = std::get_if<epoch_close_op>(&op)) {
    if (close->epoch != epoch_) return "closed an epoch that is not open";
    const std::string& treasury = config_.treasury_account;
    if (close->reward_pool_micro > 0) {
      if (out.postings.empty() || out.postings.front().account != treasury ||
          out.postings.front().delta_micro != -close->reward_pool_micro) {
        return "the pool does not leave the treasury first";
      }
      micro_units paid = 0;
      for (std::size_t i = 1; i < out.postings.size(); ++i) {
        if (out.postings[i].delta_micro < 0) return "a reward is negative";
        paid += out.postings[i].delta_micro;
      }
      if (paid != close->reward_pool_micro) return "rewards plus remainder differ from the pool";
    }
    ++epoch_;
  } else if (out.convicted) {
    const auto& miner = std::get<verdict_op>(op).body.miner;
    const micro_units bonded = get(miner, bucket::staked) + get(miner, bucket::unbonding);
    const micro_units forfeit = static_cast<micro_units>(static_cast<wide_integer>(bonded) * config_.slash_bps / 10'000);
    micro_units taken = 0;
    for (const posting& p : out.postings) taken += p.account == miner ? -p.delta_micro : 0;
    if (taken != forfeit) return "slash forfeited " + std::to_string(taken) + " instead of " + std::to_string(forfeit);
    micro_units from_unbonding = forfeit - std::min(forfeit, get(miner, bucket::staked));
    auto& pending = accounts_[miner].unbondings;
    while (from_unbonding > 0 && !pending.empty()) {
      const micro_units take = std::min(from_unbonding, pending.back().amount_micro);
      pending.back().amount_micro -= take;
      from_unbonding -= take;
      if (pending.back().amount_micro == 0) pending.pop_back();
    }
  } else if (!out.postings.empty()) {
    return "a verdict that did not convict moved money";
  }
  if (std::holds_alternative<epoch_close_op>(op) || out.convicted) {
    if (!accounts_.contains(config_.treasury_account)) accounts_[config_.treasury_account].kind = account_kind::treasury;
  }
  for (const posting& p : out.postings) {
    if (!accounts_.contains(p.account)) return "a posting names an unknown account " + p.account;
    at(p.account, static_cast<bucket>(p.where)) += p.delta_micro;
  }
  return "";
}

std::string fake_ledger_model::compare(const std::string& id, const ledger_state& state) const {
  const account* real = state.find(id);
  auto it = accounts_.find(id);
  if (it == accounts_.end()) return real == nullptr ? "" : "ledger has account " + id + " the model lacks";
  if (real == nullptr) return "model has account " + id + " the ledger lacks";
  const micro_units* b = it->second.buckets;
  if (real->balance_micro != b[0] || real->staked_micro != b[1] || real->unbonding_micro != b[2] ||
      real->escrowed_micro != b[3] || real->kind != it->second.kind) {
    return "account " + id + " differs: ledger balance " + std::to_string(real->balance_micro) + " staked " +
           std::to_string(real->staked_micro) + " unbonding " + std::to_string(real->unbonding_micro) + " escrowed " +
           std::to_string(real->escrowed_micro) + "; model " + std::to_string(b[0]) + " " + std::to_string(b[1]) + " " +
           std::to_string(b[2]) + " " + std::to_string(b[3]);
  }
  return "";
}

}  // namespace infergrid::ledger::testing

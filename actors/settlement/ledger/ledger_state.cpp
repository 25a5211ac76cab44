#include "actors/settlement/ledger/ledger_state.hpp"

#include <utility>

#include "actors/settlement/ledger/ledger_assert.hpp"

namespace infergrid::ledger {
namespace {

micro_units& bucket_of(account& a, bucket where) {
  switch (where) {
    case bucket::balance: return a.balance_micro;
    case bucket::staked: return a.staked_micro;
    case bucket::unbonding: return a.unbonding_micro;
    case bucket::escrowed: return a.escrowed_micro;
  }
  IG_LEDGER_ASSERT(false && "unknown bucket");
  return a.balance_micro;
}

micro_units bucket_value(const account* a, bucket where) {
  if (a == nullptr) return 0;
  account copy = *a;
  return bucket_of(copy, where);
}

const char* bucket_name(bucket where) {
  static constexpr const char* names[] = {"balance", "staked", "unbonding", "escrowed"};
  return names[static_cast<std::size_t>(where)];
}

}  // namespace

status validate_account_id(std::string_view id) {
  if (id.empty() || id.size() > account_id_bytes_max) {
    return make_error(error_code::invalid_argument, "account id must be 1 to 128 bytes");
  }
  for (char c : id) {
    if (c <= ' ' || c > '~') return make_error(error_code::invalid_argument, "account id has a space or control byte");
  }
  return {};
}

ledger_state::ledger_state(ledger_config config, request_index* requests)
    : config_(std::move(config)),
      own_requests_(requests == nullptr ? std::make_unique<memory_request_index>() : nullptr),
      requests_(requests == nullptr ? own_requests_.get() : requests) {}

void ledger_state::plan::add(const std::string& id, bucket where, micro_units delta_micro) {
  if (delta_micro != 0) postings.push_back(posting{id, static_cast<std::uint8_t>(where), delta_micro});
}

status ledger_state::check(const plan& p) const {
  // Per (account, bucket) running totals, so several postings to one bucket are checked together.
  std::map<std::pair<std::string_view, std::uint8_t>, micro_units> after;
  micro_units sum_micro = 0;
  for (const posting& post : p.postings) {
    IG_LEDGER_ASSERT(post.where < bucket_count);
    const auto key = std::make_pair(std::string_view(post.account), post.where);
    auto [it, inserted] = after.try_emplace(key, 0);
    if (inserted) it->second = bucket_value(find(post.account), static_cast<bucket>(post.where));
    auto next = checked_add(it->second, post.delta_micro);
    if (!next) return next.err();
    it->second = *next;
    if (*next < 0) {
      return make_error(error_code::insufficient_funds,
                        "insufficient funds: account " + post.account + " " + bucket_name(static_cast<bucket>(post.where)) +
                            " would fall to " + format_amount(*next));
    }
    auto sum = checked_add(sum_micro, post.delta_micro);
    if (!sum) return sum.err();
    sum_micro = *sum;
  }
  // A plan that creates or destroys money other than through its declared supply change is a bug.
  IG_LEDGER_ASSERT(sum_micro == p.supply_delta_micro);
  auto supply = checked_add(supply_micro_, p.supply_delta_micro);
  if (!supply) return supply.err();
  return {};
}

void ledger_state::commit(const plan& p) {
  for (const auto& [id, kind] : p.creates) {
    if (!accounts_.contains(id)) accounts_.emplace(id, account{.kind = kind});
  }
  for (const posting& post : p.postings) {
    auto it = accounts_.find(post.account);
    IG_LEDGER_ASSERT(it != accounts_.end());  // every credited new account is in p.creates
    micro_units& value = bucket_of(it->second, static_cast<bucket>(post.where));
    value += post.delta_micro;
    IG_LEDGER_ASSERT(value >= 0 && value <= amount_max_micro);  // check() proved it
    touched_.insert(post.account);
  }
  for (const auto& created : p.creates) touched_.insert(created.first);
  supply_micro_ += p.supply_delta_micro;
  IG_LEDGER_ASSERT(supply_micro_ >= 0);
}

result<outcome> ledger_state::run(plan p) {
  IG_TRY(check(p));
  commit(p);
  return outcome{.postings = std::move(p.postings)};
}

result<outcome> ledger_state::apply(const operation& op) {
  auto out = std::visit([this](const auto& alternative) { return apply_one(alternative); }, op);
  if (out) ++applied_;
  return out;
}

const account* ledger_state::find(std::string_view id) const {
  auto it = accounts_.find(id);
  return it == accounts_.end() ? nullptr : &it->second;
}

result<const account*> ledger_state::existing(std::string_view id) const {
  const account* a = find(id);
  if (a == nullptr) return make_error(error_code::not_found, "no account " + std::string(id));
  return a;
}

account_kind ledger_state::kind_for_new(std::string_view id) const {
  return id == config_.treasury_account ? account_kind::treasury : account_kind::developer;
}

const escrow* ledger_state::find_escrow(std::string_view request_id) const {
  auto it = escrows_.find(request_id);
  return it == escrows_.end() ? nullptr : &it->second;
}

result<bool> ledger_state::escrow_closed(std::string_view request_id) const {
  if (escrows_.contains(request_id)) return false;
  return requests_->escrowed_before(request_id, applied_ + 1);
}

bool ledger_state::schedulable(std::string_view miner) const {
  const account* a = find(miner);
  return a != nullptr && a->kind == account_kind::miner && a->staked_micro >= config_.miner_stake_min_micro;
}

bool ledger_state::can_vote(std::string_view validator) const {
  const account* a = find(validator);
  return a != nullptr && a->kind == account_kind::validator && a->staked_micro >= config_.validator_stake_min_micro;
}

std::vector<std::string> ledger_state::take_touched() {
  std::vector<std::string> out(touched_.begin(), touched_.end());
  touched_.clear();
  return out;
}

status ledger_state::check_invariants() const {
  micro_units total_micro = 0;
  std::map<std::string_view, micro_units> escrowed_by_payer;
  for (const auto& [request_id, e] : escrows_) {
    // Partial payments may have spent all of it; an escrow nobody was paid from holds something.
    if (e.held_micro < 0 || (e.held_micro == 0 && e.paid.empty())) {
      return make_error(error_code::internal, "escrow " + request_id + " holds nothing");
    }
    escrowed_by_payer[e.payer] += e.held_micro;
  }
  for (const auto& [id, a] : accounts_) {
    for (std::uint8_t b = 0; b < bucket_count; ++b) {
      const micro_units value = bucket_value(&a, static_cast<bucket>(b));
      if (value < 0) return make_error(error_code::internal, "account " + id + " " + bucket_name(static_cast<bucket>(b)) + " is negative");
    }
    auto sum = checked_add(total_micro, a.total_micro());
    if (!sum) return sum.err();
    total_micro = *sum;
    const auto held = escrowed_by_payer.find(id);
    if (a.escrowed_micro != (held == escrowed_by_payer.end() ? 0 : held->second)) {
      return make_error(error_code::internal, "account " + id + " escrowed bucket differs from its open escrows");
    }
    micro_units unbonding_micro = 0;
    if (auto u = unbondings_.find(id); u != unbondings_.end()) {
      for (const unbonding& entry : u->second) unbonding_micro += entry.amount_micro;
    }
    if (a.unbonding_micro != unbonding_micro) {
      return make_error(error_code::internal, "account " + id + " unbonding bucket differs from its unbond requests");
    }
  }
  if (total_micro != supply_micro_) {
    return make_error(error_code::internal, "balances sum to " + format_amount(total_micro) + " but supply is " +
                                                format_amount(supply_micro_));
  }
  return {};
}

}  // namespace infergrid::ledger

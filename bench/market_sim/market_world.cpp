#include "bench/market_sim/market_world.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <cmath>
#include <numbers>
#include <random>

#include "actors/matchmaker/reputation_book.hpp"
#include "actors/matchmaker/routing_policy.hpp"
#include "actors/settlement/ledger/epoch_close_rule.hpp"
#include "actors/settlement/ledger/ledger_state.hpp"
#include "actors/settlement/ledger/signed_ops.hpp"
#include "bench/market_sim/miner_strategies.hpp"
#include "bench/market_sim/sim_miner.hpp"
#include "market/ask_policy.hpp"
#include "market/price_index.hpp"

namespace infergrid::market_sim {
namespace {

using ledger::micro_units;
using sim_clock = matchmaker::reputation_book::clock;

// The worker's default pricing policy bounds (gpu_worker `price_floor_*` / `price_ceiling_*`).
constexpr market::ask_bounds prompt_bounds{100, 400};
constexpr market::ask_bounds completion_bounds{200, 800};

ledger::ledger_config ledger_rules(const market_params& p) {
  ledger::ledger_config rules;
  if (p.reward_per_paid_ppm) rules.supply.reward_per_paid_ppm = *p.reward_per_paid_ppm;
  return rules;
}

class world {
 public:
  explicit world(const market_params& p)
      : p_(p),
        rng_(p.seed),
        book_(matchmaker::reputation_config{}),
        ledger_(ledger_rules(p)),
        clearing_(256),
        audited_probability_(1.0 - std::pow(1.0 - p.audit_rate, p.validators)) {}

  market_report run() {
    setup();
    const double capacity0 = static_cast<double>(honest_capacity());
    double demand_factor = 1.0;
    for (std::uint32_t e = 0; e < p_.epochs; ++e) {
      if (p_.demand_doubles && e == p_.epochs / 3) demand_factor = 2.0;
      if (p_.half_leave && e == 2 * p_.epochs / 3) {
        for (auto& m : miners_) m.present = m.present && uniform() < 0.5;
      }
      const double season = 1.0 + 0.15 * std::sin(2 * std::numbers::pi * e / 12.0);
      const auto demand = static_cast<std::uint64_t>(p_.base_demand * capacity0 * season * demand_factor);
      run_epoch(e, demand);
    }
    return summarise();
  }

 private:
  double uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }

  // Applies `op` through the ledger's rules; returns what it moved for `account`.
  micro_units must(const ledger::operation& op, const std::string& account = {}) {
    auto out = ledger_.apply(op);
    if (!out.ok()) {  // the simulation submits only what its own state allows: a bug
      std::fprintf(stderr, "market_sim: ledger refused %s: %s\n", std::string(ledger::operation_name(op)).c_str(),
                   out.err().message.c_str());
      std::abort();
    }
    micro_units moved = 0;
    for (const auto& post : out->postings) {
      if (post.account == account) moved += post.delta_micro;
    }
    last_outcome_ = std::move(*out);
    return moved;
  }

  void setup() {
    must(ledger::mint_op{"treasury", micro_units{1'000'000'000} * ledger::micro_per_token});
    must(ledger::deposit_op{"dev", 0, micro_units{1'000'000'000} * ledger::micro_per_token});
    for (std::uint32_t v = 0; v < p_.validators; ++v) {
      validators_.push_back(seeded_identity(p_.seed, 1'000'000 + v));
      const std::string id = ledger::account_of(validators_.back());
      must(ledger::deposit_op{id, static_cast<std::uint8_t>(ledger::account_kind::validator), 100 * ledger::micro_per_token});
      must(ledger::stake_op{id, 100 * ledger::micro_per_token});
    }
    const auto kinds = strategies();
    for (std::uint32_t i = 0; i < p_.miners; ++i) {
      // Strategy by population share, from the seed.
      double pick = uniform();
      std::size_t k = 0;
      while (k + 1 < kinds.size() && pick >= kinds[k].population_share) pick -= kinds[k++].population_share;
      miners_.emplace_back(kinds[k], k, seeded_identity(p_.seed, i));
      sim_miner& m = miners_.back();
      // A self-dealer also holds a token to escrow its own (free) requests with.
      const micro_units own_funds = m.kind->self_dealt > 0 ? ledger::micro_per_token : 0;
      must(ledger::deposit_op{m.account, static_cast<std::uint8_t>(ledger::account_kind::miner), p_.stake_micro + own_funds});
      must(ledger::stake_op{m.account, p_.stake_micro});
      if (m.kind->through_second_account) {
        must(ledger::deposit_op{second_account_of(i), 0, micro_units{1'000'000} * ledger::micro_per_token});
      }
    }
    for (std::uint32_t i = 0; i < miners_.size(); ++i) by_account_.emplace(miners_[i].account, i);
  }

  // The account a sock-dealer (miner_strategy::through_second_account) pays its own work from.
  static std::string second_account_of(std::uint32_t miner) { return "second/m" + std::to_string(miner); }

  // The honest miners' capacity: demand is sized to it (the cheats' capacity does not last).
  std::uint64_t honest_capacity() const {
    std::uint64_t sum = 0;
    for (const auto& m : miners_) sum += m.kind->cheat ? 0 : m.full_capacity(p_.jobs_per_unit);
    return sum;
  }

  void open_epoch(std::uint32_t e) {
    online_.clear();
    std::vector<std::uint64_t> asks;
    for (std::uint32_t i = 0; i < miners_.size(); ++i) {
      sim_miner& m = miners_[i];
      m.begin_epoch();
      if (!m.present) continue;
      m.epochs_present++;
      m.costs_micro += p_.unit_cost_micro * m.kind->hardware_units;
      if (uniform() >= m.kind->uptime) continue;
      // The policy counts running and queued jobs: the grid's unplaced jobs last epoch, in proportion.
      const auto queued = static_cast<std::uint32_t>(static_cast<double>(m.last_assigned) * shortage_);
      const std::uint32_t busy = market::busy_permille(m.last_assigned, queued, std::max<std::uint32_t>(m.last_capacity, 1));
      m.entry.models[0].price_prompt_micro =
          static_cast<std::uint64_t>(market::utilisation_ask_micro(prompt_bounds, busy) * m.kind->ask_factor);
      m.entry.models[0].price_completion_micro =
          static_cast<std::uint64_t>(market::utilisation_ask_micro(completion_bounds, busy) * m.kind->ask_factor);
      m.entry.slots = m.full_capacity(p_.jobs_per_unit);
      m.entry.assigned = 0;
      online_.push_back(i);
      asks.push_back(m.entry.models[0].price_prompt_micro + m.entry.models[0].price_completion_micro);
      completion_asks_.push_back(m.entry.models[0].price_completion_micro);
    }
    median_ask_ = market::quantiles_of(std::move(asks)).median_micro;
    room_ = online_;
    epoch_start_ = sim_clock::time_point{} + std::chrono::milliseconds(static_cast<std::int64_t>(e) * p_.epoch_ms);
  }

  // The routing cost decides among `candidates` miners sampled from those online with room (as the
  // matchmaker considers only workers under their capacity); -1 when none has room or every sampled
  // one is under the reputation floor.
  int route(sim_clock::time_point now, int exclude) {
    int best = -1;
    double best_cost = 0;
    for (std::uint32_t round = 0; round < 3 && best < 0 && !room_.empty(); ++round) {
      for (std::uint32_t c = 0; c < p_.candidates && !room_.empty(); ++c) {
        const auto slot = static_cast<std::size_t>(rng_() % room_.size());
        const auto i = static_cast<int>(room_[slot]);
        sim_miner& m = miners_[i];
        if (!m.present || m.entry.assigned >= m.entry.slots) {
          room_[slot] = room_.back();  // full (or gone): no longer a candidate this epoch
          room_.pop_back();
          continue;
        }
        if (i == exclude) continue;
        m.entry.reputation_permille = book_.permille(m.account, now);
        if (m.entry.reputation_permille < book_.config().routing_floor_permille) continue;
        const double cost = matchmaker::routing_cost(m.entry, m.entry.models[0], median_ask_, weights_);
        if (best < 0 || cost < best_cost || (cost == best_cost && i < best)) best = i, best_cost = cost;
      }
    }
    return best;
  }

  void audit(sim_miner& m, std::uint32_t e, std::uint64_t job, sim_clock::time_point now) {
    if (uniform() >= audited_probability_) return;
    ++m.audited;
    if (m.kind->receipts_refused) {  // refused by the matchmaker, counted as a failed audit; not convictable
      ++m.failed_audits;
      return book_.record_bad_receipt(m.account, now);
    }
    if (uniform() >= m.kind->detection) return book_.record_pass(m.account, now);
    ++m.failed_audits;
    ++m.convictions;
    // The first guilty verdict is escalated to every validator: the quorum convicts and slashes.
    const std::string request = "e" + std::to_string(e) + "/j" + std::to_string(job);
    for (const identity& v : validators_) {
      book_.record_failure(m.account, request, ledger::account_of(v), now);
      m.slashed_micro -= must(ledger::make_verdict(v, request, m.account, true), m.account);
      if (last_outcome_.miner_unschedulable) m.present = false;  // under the stake minimum: out
    }
  }

  void run_epoch(std::uint32_t e, std::uint64_t demand) {
    completion_asks_.clear();
    open_epoch(e);
    const std::uint64_t arriving = demand + carried_;
    std::uint64_t served = 0, unplaced = 0, capacity = 0;
    for (std::uint32_t i : online_) capacity += miners_[i].entry.slots;
    std::vector<std::int64_t> waits;
    waits.reserve(arriving);
    for (std::uint64_t j = 0; j < arriving && !online_.empty(); ++j) {
      const auto now = epoch_start_ + std::chrono::milliseconds(static_cast<std::int64_t>(j * p_.epoch_ms / arriving));
      const std::uint64_t prompt = 200 + rng_() % 800, completion = 50 + rng_() % 300;
      int chosen = route(now, -1);
      if (chosen >= 0 && uniform() < miners_[chosen].kind->failure_rate) {
        ++miners_[chosen].entry.assigned;  // it took the slot and dropped the job: failover, unpaid
        chosen = route(now, chosen);
      }
      if (chosen < 0) {
        ++unplaced;
        waits.push_back(p_.epoch_ms);  // waits for the next epoch
        continue;
      }
      sim_miner& m = miners_[chosen];
      const double load = static_cast<double>(m.entry.assigned) / m.entry.slots;
      waits.push_back(static_cast<std::int64_t>(p_.epoch_ms / m.entry.slots * load / std::max(1.0 - load, 0.05)));
      ++m.entry.assigned;
      ++m.jobs;
      ++served;
      m.serve(prompt, completion, p_.energy_per_1k_tokens_micro);
      clearing_.record({prompt, completion, m.entry.models[0].price_prompt_micro, m.entry.models[0].price_completion_micro});
      audit(m, e, jobs_total_ + j, now);
    }
    for (std::uint32_t i : online_) {  // mean job: 600 prompt + 200 completion tokens
      sim_miner& m = miners_[i];
      const bool deals = m.kind->through_second_account ? p_.second_account_dealing : p_.self_dealing;
      if (deals && m.kind->self_dealt > 0) m.serve_itself(static_cast<std::uint64_t>(m.entry.slots * m.kind->self_dealt * 800), p_.energy_per_1k_tokens_micro);
    }
    jobs_total_ += arriving;
    carried_ = std::min<std::uint64_t>(unplaced, demand);
    shortage_ = static_cast<double>(unplaced) / static_cast<double>(std::max<std::uint64_t>(served, 1));
    settle_and_close(e, demand, served, capacity, waits);
  }

  void settle_and_close(std::uint32_t e, std::uint64_t demand, std::uint64_t served, std::uint64_t capacity,
                        std::vector<std::int64_t>& waits) {
    std::vector<ledger::miner_metrics> metrics;
    for (std::uint32_t i = 0; i < miners_.size(); ++i) {
      sim_miner& m = miners_[i];
      if (m.paid_prompt + m.paid_completion > 0 && !m.kind->receipts_refused) {
        const std::string request = "e" + std::to_string(e) + "/m" + std::to_string(i);
        const auto& offer = m.entry.models[0];
        const micro_units cost = *ledger::token_cost_micro(m.paid_prompt, static_cast<micro_units>(offer.price_prompt_micro),
                                                           m.paid_completion, static_cast<micro_units>(offer.price_completion_micro));
        must(ledger::escrow_op{request, "dev", cost + 1, static_cast<micro_units>(offer.price_prompt_micro),
                               static_cast<micro_units>(offer.price_completion_micro)});
        m.income_micro += must(ledger::make_settle(m.key, request, m.paid_prompt, m.paid_completion, {}), m.account);
      }
      if (m.self_tokens > 0 && m.kind->through_second_account) {  // its second account pays its ask
        const std::string request = "e" + std::to_string(e) + "/m" + std::to_string(i) + "/second";
        const auto& offer = m.entry.models[0];
        const micro_units cost = *ledger::token_cost_micro(0, 0, m.self_tokens, static_cast<micro_units>(offer.price_completion_micro));
        must(ledger::escrow_op{request, second_account_of(i), cost + 1, 0, static_cast<micro_units>(offer.price_completion_micro)});
        m.income_micro += must(ledger::make_settle(m.key, request, 0, m.self_tokens, {}), m.account);
        m.second_account_paid_micro += cost;
      } else if (m.self_tokens > 0) {  // its own account pays, at ask 0: nothing moves but the escrow's micro
        const std::string request = "e" + std::to_string(e) + "/m" + std::to_string(i) + "/self";
        must(ledger::escrow_op{request, m.account, 1, 0, 0});
        must(ledger::make_settle(m.key, request, 0, m.self_tokens, {}), m.account);
      }
      if (m.entry.slots > 0 && m.present && ledger_.schedulable(m.account)) {
        const std::int64_t accuracy =
            m.audited == 0 ? 1'000'000 : std::int64_t{1'000'000} * (m.audited - m.failed_audits) / m.audited;
        metrics.push_back({m.account, static_cast<std::int64_t>(m.kind->first_token_ms),
                           static_cast<std::int64_t>((1.0 - m.kind->failure_rate) * 1e6), accuracy});
      }
    }
    std::sort(metrics.begin(), metrics.end(), [](const auto& a, const auto& b) { return a.miner < b.miner; });
    epoch_line line{e, demand, served, static_cast<std::uint32_t>(online_.size())};
    if (!waits.empty()) {
      auto p95 = waits.begin() + static_cast<std::ptrdiff_t>(waits.size() * 95 / 100);
      std::nth_element(waits.begin(), p95, waits.end());
      line.queue_p95_ms = *p95;
    }
    line.utilisation_ppm = capacity == 0 ? 0 : static_cast<std::int64_t>(std::min<std::uint64_t>(served, capacity) * 1'000'000 / capacity);
    line.median_ask_completion_micro = market::quantiles_of(completion_asks_).median_micro;
    line.cleared_completion_micro = clearing_.completion_price_micro();
    const micro_units treasury_before = ledger_.find("treasury")->balance_micro;
    must(ledger::current_epoch_close(e, 0, metrics, ledger::epoch_demand{line.queue_p95_ms, line.utilisation_ppm}));
    line.reward_pool_micro = treasury_before - ledger_.find("treasury")->balance_micro;
    for (const auto& post : last_outcome_.postings) {
      if (auto found = by_account_.find(post.account); found != by_account_.end()) miners_[found->second].rewards_micro += post.delta_micro;
    }
    timeline_.push_back(line);
    note_epoch_profits();
  }

  void note_epoch_profits();
  market_report summarise() const;

  market_params p_;
  std::mt19937_64 rng_;
  matchmaker::reputation_book book_;
  ledger::ledger_state ledger_;
  market::clearing_window clearing_;
  double audited_probability_;  // a job is audited by at least one of the validators
  matchmaker::routing_weights weights_;
  std::vector<identity> validators_;
  std::vector<sim_miner> miners_;
  std::map<std::string, std::uint32_t> by_account_;
  std::vector<std::uint32_t> online_;
  std::vector<std::uint32_t> room_;  // online miners that may still have room this epoch
  std::vector<std::uint64_t> completion_asks_;
  std::vector<epoch_line> timeline_;
  std::uint64_t median_ask_ = 0;
  std::uint64_t carried_ = 0;
  double shortage_ = 0;  // unplaced / served jobs last epoch
  std::uint64_t jobs_total_ = 0;
  std::uint32_t epochs_cheating_paid_ = 0;
  sim_clock::time_point epoch_start_{};
  ledger::outcome last_outcome_;
};

void world::note_epoch_profits() {
  // Per GPU this epoch, by strategy: does any cheat class out-earn honest small miners?
  const auto kinds = strategies();
  std::vector<double> profit(kinds.size(), 0.0), units(kinds.size(), 0.0);
  for (auto& m : miners_) {
    const double now = m.profit_micro();
    if (m.present || now != m.last_profit) {
      profit[m.kind_index] += now - m.last_profit;
      units[m.kind_index] += m.kind->hardware_units;
    }
    m.last_profit = now;
  }
  const double honest = units[0] > 0 ? profit[0] / units[0] : 0.0;  // row 0: honest-small
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    if (kinds[k].cheat && units[k] > 0 && profit[k] / units[k] > honest) {
      ++epochs_cheating_paid_;
      break;
    }
  }
}

market_report world::summarise() const {
  market_report out;
  out.params = p_;
  out.timeline = timeline_;
  out.jobs_simulated = jobs_total_;
  out.epochs_cheating_paid = epochs_cheating_paid_;
  const auto kinds = strategies();
  double rewards_total = 0, jobs_total = 0;
  for (const auto& m : miners_) rewards_total += static_cast<double>(m.rewards_micro), jobs_total += static_cast<double>(m.jobs);
  // What honest small miners earn per GPU-epoch: the profit a convicted cheat forgoes while excluded.
  double honest_profit = 0, honest_epochs = 0;
  for (const auto& m : miners_) {
    if (m.kind_index == 0) honest_profit += m.profit_micro(), honest_epochs += m.epochs_present;
  }
  const double honest_per_epoch = honest_epochs > 0 ? honest_profit / honest_epochs : 0;
  const ledger::ledger_config& rules = ledger_.config();
  const double slash = static_cast<double>(p_.stake_micro) * static_cast<double>(rules.slash_bps) / 10'000.0;
  // A conviction keeps a miner under the routing floor for about 2.4 reputation half-lives (validation.md).
  const double excluded_epochs = 2.4 * static_cast<double>(book_.config().recovery_half_life_ms) / static_cast<double>(p_.epoch_ms);
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    strategy_result r;
    r.name = std::string(kinds[k].name);
    r.cheat = kinds[k].cheat;
    double profit = 0, rewards = 0, jobs = 0, epochs = 0;
    for (const auto& m : miners_) {
      if (m.kind_index != k) continue;
      ++r.miners;
      r.hardware_units += m.kind->hardware_units;
      profit += m.profit_micro(), rewards += static_cast<double>(m.rewards_micro), jobs += static_cast<double>(m.jobs);
      epochs += m.epochs_present;
      r.convictions += m.convictions;
    }
    if (r.miners > 0 && epochs > 0) {
      r.profit_per_epoch_micro = profit / epochs;
      r.profit_per_unit_epoch_micro = r.profit_per_epoch_micro / kinds[k].hardware_units;
    }
    r.reward_share = rewards_total > 0 ? rewards / rewards_total : 0;
    r.jobs_share = jobs_total > 0 ? jobs / jobs_total : 0;
    if (r.cheat && !kinds[k].receipts_refused) {
      // Mean job: 600 prompt + 200 completion tokens; a cheat saves energy and may claim tokens it did not make.
      r.saving_per_job_micro = 800.0 * p_.energy_per_1k_tokens_micro / 1000.0 * (1.0 - kinds[k].compute_factor) +
                               200.0 * 200 / 1000.0 * (kinds[k].paid_completion_factor - 1.0);
      const double loss = kinds[k].detection * (slash + excluded_epochs * honest_per_epoch * kinds[k].hardware_units);
      const double per_job = loss > 0 ? std::clamp(r.saving_per_job_micro / loss, 0.0, 1.0) : 1.0;
      r.break_even_audit_rate = 1.0 - std::pow(1.0 - per_job, 1.0 / std::max<std::uint32_t>(p_.validators, 1));
    }
    out.strategies.push_back(r);
  }
  // The 10 % of miners with the most hardware, and the share of rewards they took.
  std::vector<const sim_miner*> by_hardware;
  for (const auto& m : miners_) by_hardware.push_back(&m);
  std::stable_sort(by_hardware.begin(), by_hardware.end(),
                   [](const sim_miner* a, const sim_miner* b) { return a->kind->hardware_units > b->kind->hardware_units; });
  double units_all = 0, units_top = 0, rewards_top = 0;
  for (std::size_t i = 0; i < by_hardware.size(); ++i) {
    units_all += by_hardware[i]->kind->hardware_units;
    if (i < by_hardware.size() / 10) {
      units_top += by_hardware[i]->kind->hardware_units;
      rewards_top += static_cast<double>(by_hardware[i]->rewards_micro);
    }
  }
  out.top_decile_hardware_share = units_all > 0 ? units_top / units_all : 0;
  out.top_decile_reward_share = rewards_total > 0 ? rewards_top / rewards_total : 0;
  return out;
}

}  // namespace

market_report run_market(const market_params& params) { return world(params).run(); }

}  // namespace infergrid::market_sim

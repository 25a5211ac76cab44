// format_report: bench/market_sim's tables. No timings, so a seed always prints the same text.
#include <fmt/format.h>

#include "bench/market_sim/market_world.hpp"

namespace infergrid::market_sim {
namespace {

std::string verdict_on_cheating(const market_report& report) {
  double honest = 0;
  for (const auto& s : report.strategies) {
    if (s.name == "honest-small") honest = s.profit_per_unit_epoch_micro;
  }
  std::string worst;
  double best_cheat = -1e300;
  for (const auto& s : report.strategies) {
    if (s.cheat && s.miners > 0 && s.profit_per_unit_epoch_micro > best_cheat) best_cheat = s.profit_per_unit_epoch_micro, worst = s.name;
  }
  return fmt::format("does cheating pay: {} (best cheat class {}: {:.0f} micro per GPU-epoch vs honest-small {:.0f}; "
                     "a cheat class out-earned honest-small per GPU in {} of {} epochs)\n",
                     best_cheat < honest ? "no" : "YES", worst, best_cheat, honest, report.epochs_cheating_paid,
                     report.params.epochs);
}

}  // namespace

std::string format_report(const market_report& report) {
  const market_params& p = report.params;
  std::string out = fmt::format(
      "market_sim: seed {}, {} miners, {} epochs of {} s, {} validators at audit_rate {}, {} jobs; stake {} micro, "
      "GPU cost {} micro/epoch, energy {} micro/1k tokens\n",
      p.seed, p.miners, p.epochs, p.epoch_ms / 1000, p.validators, p.audit_rate, report.jobs_simulated, p.stake_micro,
      p.unit_cost_micro, p.energy_per_1k_tokens_micro);
  out += fmt::format("{:<22} {:>6} {:>5} {:>14} {:>14} {:>8} {:>8} {:>11} {:>14}\n", "strategy", "miners", "GPUs",
                     "profit/epoch", "profit/GPU-ep", "rewards", "jobs", "convictions", "break-even a");
  for (const auto& s : report.strategies) {
    std::string break_even = "-";
    if (s.cheat) break_even = s.saving_per_job_micro > 0 ? fmt::format("{:.2e}", s.break_even_audit_rate) : "never pays";
    out += fmt::format("{:<22} {:>6} {:>5} {:>14.0f} {:>14.0f} {:>7.2f}% {:>7.2f}% {:>11} {:>14}\n", s.name, s.miners,
                       s.hardware_units, s.profit_per_epoch_micro, s.profit_per_unit_epoch_micro, 100 * s.reward_share,
                       100 * s.jobs_share, s.convictions, break_even);
  }
  out += fmt::format("top 10% of miners by hardware: {:.1f}% of the GPUs, {:.1f}% of the miners' rewards\n",
                     100 * report.top_decile_hardware_share, 100 * report.top_decile_reward_share);
  out += verdict_on_cheating(report);
  out += fmt::format("{:>5} {:>9} {:>9} {:>6} {:>10} {:>6} {:>10} {:>9} {:>12}\n", "epoch", "demand", "served", "online",
                     "queue p95", "util", "ask(c) med", "cleared", "reward pool");
  const std::size_t every = std::max<std::size_t>(report.timeline.size() / 12, 1);
  for (std::size_t i = 0; i < report.timeline.size(); ++i) {
    const epoch_line& l = report.timeline[i];
    const bool event = l.epoch == p.epochs / 3 || l.epoch == 2 * p.epochs / 3 || l.epoch + 1 == p.epochs / 3 ||
                       l.epoch + 1 == 2 * p.epochs / 3;
    if (i % every != 0 && !event && i + 1 != report.timeline.size()) continue;
    out += fmt::format("{:>5} {:>9} {:>9} {:>6} {:>8}ms {:>5.1f}% {:>10} {:>9} {:>12}\n", l.epoch, l.demand_jobs,
                       l.served_jobs, l.online_miners, l.queue_p95_ms, l.utilisation_ppm / 1e4,
                       l.median_ask_completion_micro, l.cleared_completion_micro, l.reward_pool_micro);
  }
  return out;
}

}  // namespace infergrid::market_sim

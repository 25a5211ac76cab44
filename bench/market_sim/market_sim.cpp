// bench/market_sim: the grid's economics over many epochs, deterministic from --seed
// (market_world.hpp). Prints per strategy the expected profit per epoch, the share of rewards and
// the break-even audit rate of each cheat; the top decile's share; whether cheating ever pays;
// price, queue and reward pool over time as demand doubles and half the miners leave; and its own
// speed (simulated jobs per second, not part of the deterministic report).
#include <chrono>
#include <cstdio>
#include <ctime>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "bench/market_sim/market_world.hpp"

int main(int argc, char** argv) {
  infergrid::market_sim::market_params params;
  CLI::App app{"InferGrid market simulation: incentives under the real ledger, routing and reputation rules."};
  app.add_option("--seed", params.seed, "RNG seed (the same seed prints the same report)");
  app.add_option("--miners", params.miners, "simulated miners");
  app.add_option("--epochs", params.epochs, "epochs");
  app.add_option("--audit-rate", params.audit_rate, "per-validator audit rate (validation.md default 0.05)");
  app.add_option("--validators", params.validators, "validators");
  app.add_option("--jobs-per-gpu", params.jobs_per_unit, "jobs an honest GPU serves per epoch");
  app.add_option("--demand", params.base_demand, "base demand as a share of the honest miners' starting capacity");
  app.add_option("--reward-per-paid-ppm", params.reward_per_paid_ppm,
                 "the ledger's reward per micro-unit others paid, in ppm (settlement.md; default: the ledger's)");
  bool no_second_account = false;
  app.add_flag("--no-second-account-dealing", no_second_account,
               "sock-dealers serve only routed jobs (compare a run with and without their farming)");
  CLI11_PARSE(app, argc, argv);
  params.second_account_dealing = !no_second_account;
  if (params.miners == 0 || params.epochs == 0 || params.jobs_per_unit == 0 || params.audit_rate < 0 || params.audit_rate > 1) {
    std::fprintf(stderr, "market_sim: --miners, --epochs and --jobs-per-gpu must be > 0 and --audit-rate within 0..1\n");
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  const auto report = infergrid::market_sim::run_market(params);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  std::fputs(infergrid::market_sim::format_report(report).c_str(), stdout);
  fmt::print("speed: {} jobs in {:.2f} s wall, {:.2f} s CPU = {:.0f} simulated jobs per CPU second, {:.0f} per wall second "
             "(target 1,000,000; ledger signatures included)\n",
             report.jobs_simulated, seconds, cpu_seconds, report.jobs_simulated / cpu_seconds, report.jobs_simulated / seconds);
  return 0;
}

// `infergrid miner join --config miner.yaml`: a machine becomes a miner of a running grid, step by
// step — keys (made as `infergrid keygen` makes them when missing), the grid reached (the hub's
// matchmaker, the ledger's settlement actor), the account checked, the local Vulkan device found
// and the config's model loaded and benchmarked (progress bars; real greedy decoding, one sequence
// and every slot), the stake bonded from the account's balance (ledger_stake, as a member for its
// own account), an earnings estimate at the grid's current prices and load — then the node runs
// (`infergrid node` with the measured tokens/s advertised) until Ctrl-C, or with --no-serve the
// command to run it is printed.
#include <array>
#include <chrono>
#include <optional>

#include <fmt/format.h>

#include "actors/cli/command_registry.hpp"
#include "actors/cli/earnings_estimate.hpp"
#include "actors/cli/miner_grid.hpp"
#include "actors/cli/miner_group.hpp"
#include "actors/cli/miner_setup.hpp"
#include "actors/cli/progress_bar.hpp"
#include "actors/cli/random_op_id.hpp"
#include "actors/gpu_worker/decode_benchmark.hpp"
#include "actors/gpu_worker/loaded_model.hpp"
#include "actors/settlement/ledger/amount.hpp"
#include "messages/ledger.hpp"
#include "messages/match.hpp"
#include "runtime/serve.hpp"
#include "runtime/signals.hpp"

namespace infergrid::cli {
namespace {

namespace lg = infergrid::ledger;

struct join_options {
  std::string config;
  std::string model;
  std::string stake = "100";
  std::string settlement = "settlement";
  std::uint32_t benchmark_tokens = 64;
  std::int64_t timeout_ms = 3000;
  std::int64_t load_window_s = 600;
  bool no_serve = false;
};

struct stake_plan {
  std::int64_t staked_micro = 0;
  std::int64_t balance_micro = 0;
  std::int64_t to_stake_micro = 0;  // what this join bonds
};

struct benchmark_result {
  std::string device;
  gpu_worker::decode_speed one_sequence;
  gpu_worker::decode_speed every_slot;
};

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

status interrupted_check() {
  if (termination_signal_pending()) return make_error(error_code::cancelled, "interrupted; nothing was staked");
  return {};
}

std::string amount(std::int64_t micro) { return lg::format_amount(micro); }

// The account must exist (the operator funds it) and hold what the stake still needs.
result<stake_plan> check_account(miner_grid& grid, const std::string& account, std::int64_t stake_micro) {
  auto stake = grid.ask_settlement<stake_reply>(stake_query{account});
  if (!stake.ok() && stake.err().code == error_code::not_found) {
    return make_error(error_code::not_found,
                      "the ledger has no account " + account + ": the grid's operator funds a miner first (on the "
                      "ledger host, between ledger node runs: infergrid ledger deposit " + account + " " +
                      amount(stake_micro) + " --kind miner)");
  }
  if (!stake.ok()) return stake.err();
  auto balance = grid.ask_settlement<balance_reply>(balance_query{account});
  if (!balance.ok()) return balance.err();
  if (balance->kind != 1) {
    return make_error(error_code::conflict, "ledger account " + account + " is not a miner account (kind " +
                                                std::to_string(balance->kind) + "): only miners and validators stake");
  }
  stake_plan plan{stake->staked_micro, balance->balance_micro, std::max<std::int64_t>(0, stake_micro - stake->staked_micro)};
  fmt::print("account   balance {} · staked {} · unbonding {}\n", amount(plan.balance_micro), amount(plan.staked_micro),
             amount(stake->unbonding_micro));
  if (plan.to_stake_micro > plan.balance_micro) {
    return make_error(error_code::insufficient_funds,
                      "not enough balance to stake: staking " + amount(stake_micro) + " needs " +
                          amount(plan.to_stake_micro) + " more, the balance holds " + amount(plan.balance_micro) +
                          " (ask the grid's operator to deposit, or pass a smaller --stake)");
  }
  return plan;
}

result<benchmark_result> run_benchmark(const miner_setup& setup, std::uint32_t steps) {
  progress_bar loading("loading " + setup.worker.model_name);
  auto loaded = gpu_worker::load_model({setup.worker.model_path, setup.signing_key_path, setup.worker.device,
                                        setup.worker.slots, setup.worker.context_size, 0, {},
                                        [&loading](std::size_t done, std::size_t total) {
                                          loading.update(static_cast<double>(done), static_cast<double>(total),
                                                         fmt::format("({:.1f} of {:.1f} MB)", done / 1e6, total / 1e6));
                                        }});
  if (!loaded.ok()) return loaded.err();
  IG_TRY(interrupted_check());
  auto& engine = loaded->engine;
  benchmark_result out{engine.device_description(), {}, {}};
  loading.finish(fmt::format("model     {} loaded: {:.1f} MB of weights, {} slots × {} positions", setup.worker.model_name,
                             engine.weight_bytes() / 1e6, engine.n_slots(), engine.context_size()));
  fmt::print("device    {}\n", out.device);
  const std::int32_t start = loaded->vocab.bos_id() == model::no_token ? 0 : loaded->vocab.bos_id();
  progress_bar measuring("benchmark");
  const std::uint32_t slots = engine.n_slots();
  auto one = gpu_worker::measure_decode_speed(engine, start, steps, 1, [&](std::uint32_t done, std::uint32_t total) {
    measuring.update(done, 2.0 * total, fmt::format("(one sequence: {} of {} tokens)", done, total));
  });
  if (!one.ok()) return one.err();
  IG_TRY(interrupted_check());
  auto all = gpu_worker::measure_decode_speed(engine, start, steps, slots, [&](std::uint32_t done, std::uint32_t total) {
    measuring.update(total + done, 2.0 * total, fmt::format("({} slots: step {} of {})", slots, done, total));
  });
  if (!all.ok()) return all.err();
  IG_TRY(interrupted_check());
  out.one_sequence = *one;
  out.every_slot = *all;
  measuring.finish(fmt::format("benchmark {:.1f} tokens/s for one sequence ({} tokens in {:.2f} s); {:.1f} tokens/s with "
                               "all {} slots decoding ({} steps in {:.2f} s)",
                               one->tokens_per_second, one->steps, one->seconds, all->tokens_per_second, all->sequences,
                               all->steps, all->seconds));
  return out;
}

// Bonds what the plan says (nothing when already staked enough) and says whether the ledger now
// counts the miner as schedulable.
result<std::int64_t> bond_stake(miner_grid& grid, const std::string& account, const stake_plan& plan) {
  if (plan.to_stake_micro == 0) {
    fmt::print("stake     {} already staked: nothing to bond\n", amount(plan.staked_micro));
  } else {
    auto ack = grid.ask_settlement<ledger_ack>(ledger_stake{random_op_id("miner-join/"), account, plan.to_stake_micro});
    if (!ack.ok()) return make_error(ack.err().code, "staking refused: " + ack.err().message);
    fmt::print("stake     bonded {} (ledger entry {}, hash {}…)\n", amount(plan.to_stake_micro), ack->seq,
               to_hex(ack->entry_hash).substr(0, 16));
  }
  auto now = grid.ask_settlement<stake_reply>(stake_query{account});
  if (!now.ok()) return now.err();
  fmt::print("stake     {} staked; the ledger {} this miner\n", amount(now->staked_micro),
             now->schedulable ? "schedules" : "does NOT yet schedule (its miner_stake_min_micro is higher: raise --stake)");
  return now->staked_micro;
}

void print_estimate(miner_grid& grid, const miner_setup& setup, const grid_view_report& view,
                    const benchmark_result& bench, std::int64_t window_s) {
  earnings_inputs in;
  in.full_load_tokens_per_second = bench.every_slot.tokens_per_second;
  for (const model_supply& m : view.models) {
    if (m.model == setup.worker.model_name) in.supply = m;
  }
  const std::int64_t now = unix_ms_now();
  auto demand = grid.ask_matchmaker<demand_window_report>(demand_window_query{now - window_s * 1000, now});
  if (demand.ok()) in.demand = *demand;
  in.demand_window_s = window_s;
  in.own_ask_completion_micro = setup.worker.pricing.price_completion_micro;
  fmt::print("earnings estimate for {} (per hour):\n{}", setup.worker.model_name,
             describe(estimate_earnings(in), in.full_load_tokens_per_second));
}

// The node of the config, its worker stating the benchmark's tokens/s and the bonded stake.
node_config serving_config(const miner_setup& setup, const benchmark_result& bench, std::int64_t staked_micro) {
  node_config config = setup.config;
  // A YAML node is a handle: clone before editing so the setup's copy keeps what the file said.
  YAML::Node settings = YAML::Clone(config.actors[setup.worker_index].config.yaml());
  settings["tokens_per_second"] = bench.one_sequence.tokens_per_second;
  settings["stake_micro"] = staked_micro;
  const infergrid::settings& original = config.actors[setup.worker_index].config;
  config.actors[setup.worker_index].config = infergrid::settings(settings, original.source(), original.key_path(""));
  return config;
}

status run_join(const join_options& options) {
  block_termination_signals();  // before any thread: Ctrl-C is taken between steps, and by the node
  auto stake_micro = lg::parse_amount(options.stake);
  if (!stake_micro.ok()) return make_error(stake_micro.err().code, "--stake: " + stake_micro.err().message);
  auto setup = read_miner_setup({options.config, options.model, options.settlement});
  if (!setup.ok()) return setup.err();
  auto keys = open_miner_keys(*setup, true);
  if (!keys.ok()) return keys.err();
  fmt::print("keys      {} {} · miner id {}\n", keys->created ? "created" : "found", setup->keys_directory, keys->account);
  std::optional<miner_grid> grid;
  {
    auto reached = miner_grid::connect(*setup, "miner-join", options.timeout_ms);
    if (!reached.ok()) return reached.err();
    grid.emplace(std::move(*reached));
  }
  auto view = grid->ask_matchmaker<grid_view_report>(grid_view_query{0});
  if (!view.ok()) return view.err();
  std::uint32_t serving = 0;
  for (const auto& m : view->models) serving += m.model == setup->worker.model_name ? m.workers : 0;
  fmt::print("grid      {} reached: {} workers, {} models; {} other miners serve {}\n", setup->matchmaker.actor,
             view->workers.size(), view->models.size(), serving, setup->worker.model_name);
  auto plan = check_account(*grid, keys->account, *stake_micro);
  if (!plan.ok()) return plan.err();
  auto bench = run_benchmark(*setup, options.benchmark_tokens);
  if (!bench.ok()) return bench.err();
  auto staked = bond_stake(*grid, keys->account, *plan);
  if (!staked.ok()) return staked.err();
  print_estimate(*grid, *setup, *view, *bench, options.load_window_s);
  if (options.no_serve) {
    fmt::print("serve     infergrid node --config {}   (add tokens_per_second: {:.1f} to the gpu_worker's settings to "
               "advertise this benchmark)\n", options.config, bench->one_sequence.tokens_per_second);
    return {};
  }
  grid.reset();  // the CLI's own connection ends before the miner's node starts
  fmt::print("serve     starting node {} ({} advertising {:.1f} tokens/s); \"registered as {}\" once the hub admits "
             "it; Ctrl-C stops it\n", setup->config.name, setup->worker.model_name, bench->one_sequence.tokens_per_second,
             keys->account);
  std::fflush(stdout);
  return serve_until_signal(serving_config(*setup, *bench, *staked), options.config);
}

void add_miner_join(CLI::App& app) {
  auto* command = miner_group(app)->add_subcommand(
      "join", "Join a running grid as a miner: make keys if missing, benchmark the config's model on the local Vulkan "
              "device, stake from your ledger balance, estimate earnings at current prices and load, then serve.");
  auto options = std::make_shared<join_options>();
  command->add_option("--config", options->config, "The miner's node config (YAML): a gpu_worker with model_path and "
                                                   "identity_file (keys/<you>/signing.key), and the hub as a peer "
                                                   "hosting the matchmaker (see deploy/cluster/three-host/miner.yaml).")
      ->required();
  command->add_option("--model", options->model, "The model to serve when the config has several gpu_workers.");
  command->add_option("--stake", options->stake, "Tokens to have staked (12.5, or micro-units as 12500000u); only the "
                                                 "missing part is bonded. The ledger schedules miners from 100.")
      ->capture_default_str();
  command->add_option("--benchmark-tokens", options->benchmark_tokens, "Tokens decoded per benchmark run.")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  command->add_option("--settlement", options->settlement, "The ledger actor's name on its node.")->capture_default_str();
  command->add_option("--timeout-ms", options->timeout_ms, "How long to wait for each grid reply.")->capture_default_str();
  command->add_option("--load-window", options->load_window_s, "Seconds of the grid's measured load the estimate uses.")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  command->add_flag("--no-serve", options->no_serve, "Stop after staking and the estimate; print the command that serves.");
  command->callback([options] {
    auto outcome = run_join(*options);
    if (!outcome.ok()) {
      fmt::print(stderr, "infergrid miner join: {}\n", outcome.err().message);
      set_exit_code(1);
    }
  });
}

IG_REGISTER_COMMAND(add_miner_join);

}  // namespace
}  // namespace infergrid::cli

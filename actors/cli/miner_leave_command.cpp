// `infergrid miner leave --config miner.yaml [--withdraw]`: a miner leaves its grid — its stake is
// unbonded through the running settlement actor (ledger_unbond, as a member for its own account),
// and the command says from which epoch the unbonding can be withdrawn (the ledger's
// unbonding_epochs after the open one; when the epoch driver closes epochs on a timer, about when).
// Unbonding stake stays locked and slashable until then, and the matchmaker's stake gate stops
// scheduling the miner at once. With --withdraw, every matured unbonding is freed into the balance
// (ledger_withdraw_unbonded); run it again once the epoch has come.
#include <array>
#include <ctime>

#include <fmt/format.h>

#include "actors/cli/command_registry.hpp"
#include "actors/cli/log_level_option.hpp"
#include "actors/cli/miner_grid.hpp"
#include "actors/cli/miner_group.hpp"
#include "actors/cli/miner_setup.hpp"
#include "actors/cli/random_op_id.hpp"
#include "actors/settlement/ledger/amount.hpp"
#include "messages/ledger.hpp"
#include "messages/ledger_view.hpp"

namespace infergrid::cli {
namespace {

struct leave_options {
  std::string config;
  std::string model;
  std::string settlement = "settlement";
  std::int64_t timeout_ms = 3000;
  bool withdraw = false;
};

std::string amount(std::int64_t micro) { return ledger::format_amount(micro); }

std::string utc_time(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                     utc.tm_hour, utc.tm_min, utc.tm_sec);
}

// When epoch `release` opens: now if it is open, else after the closes still to come — timed when
// the epoch driver closes epochs every interval_s (the open one at next_close_unix_ms).
std::string when_epoch_opens(const ledger_view_report& view, std::int64_t release) {
  const std::int64_t closes = release - view.epoch;
  if (closes <= 0) return "now";
  std::string out = fmt::format("after {} more epoch close{}", closes, closes == 1 ? "" : "s");
  const epoch_driver_view& driver = view.epoch_driver;
  if (driver.interval_s > 0 && driver.next_close_unix_ms > 0) {
    out += ", about " + utc_time(driver.next_close_unix_ms + (closes - 1) * driver.interval_s * 1000) +
           fmt::format(" (epochs close every {} s)", driver.interval_s);
  } else {
    out += " (this grid closes epochs by epoch_close messages, not on a timer)";
  }
  return out;
}

// Unbonds the whole stake; says from which epoch it can be withdrawn. The epoch is read before and
// after: a close in between makes the release one epoch later than the first reading says.
status unbond_all(miner_grid& grid, const std::string& account, std::int64_t staked_micro) {
  auto before = grid.ask_settlement<ledger_view_report>(ledger_view_query{0, 0});
  if (!before.ok()) return before.err();
  auto ack = grid.ask_settlement<ledger_ack>(ledger_unbond{random_op_id("miner-leave/"), account, staked_micro});
  if (!ack.ok()) return make_error(ack.err().code, "unbonding refused: " + ack.err().message);
  auto after = grid.ask_settlement<ledger_view_report>(ledger_view_query{0, 0});
  if (!after.ok()) return after.err();
  fmt::print("unbond    {} unbonding (ledger entry {}, hash {}…); the grid no longer schedules this miner — stop "
             "its node\n",
             amount(staked_micro), ack->seq, to_hex(ack->entry_hash).substr(0, 16));
  const std::int64_t earliest = before->epoch + after->unbonding_epochs;
  const std::int64_t latest = after->epoch + after->unbonding_epochs;
  const std::string release = earliest == latest ? std::to_string(latest) : fmt::format("{} or {}", earliest, latest);
  fmt::print("matures   withdrawable from epoch {} (epoch {} is open; the ledger locks unbonding stake for {} epochs, "
             "slashable meanwhile): {}\n",
             release, after->epoch, after->unbonding_epochs, when_epoch_opens(*after, latest));
  fmt::print("          then: infergrid miner leave --config <this config> --withdraw\n");
  return {};
}

// Frees every matured unbonding. Nothing matured is not an error when `unbonded_now`.
status withdraw_matured(miner_grid& grid, const std::string& account, bool unbonded_now) {
  auto ack = grid.ask_settlement<ledger_ack>(ledger_withdraw_unbonded{random_op_id("miner-leave/"), account});
  if (!ack.ok() && ack.err().code == error_code::conflict) {
    if (unbonded_now) {
      fmt::print("withdraw  nothing matured yet (the unbonding above matures first)\n");
      return {};
    }
    return make_error(error_code::conflict, "nothing to withdraw yet: " + ack.err().message);
  }
  if (!ack.ok()) return make_error(ack.err().code, "withdrawal refused: " + ack.err().message);
  std::int64_t freed_micro = 0;
  for (const ledger_posting& p : ack->postings) {
    if (p.account == account && p.bucket == 0) freed_micro += p.delta_micro;
  }
  fmt::print("withdraw  {} freed into the balance (ledger entry {})\n", amount(freed_micro), ack->seq);
  return {};
}

status run_leave(const leave_options& options) {
  auto setup = read_miner_setup({options.config, options.model, options.settlement});
  if (!setup.ok()) return setup.err();
  auto keys = open_miner_keys(*setup, false);
  if (!keys.ok()) return keys.err();
  auto grid = miner_grid::connect(*setup, "miner-leave", options.timeout_ms);
  if (!grid.ok()) return grid.err();
  auto stake = grid->ask_settlement<stake_reply>(stake_query{keys->account});
  if (!stake.ok() && stake.err().code == error_code::not_found) {
    return make_error(error_code::not_found, "the ledger has no account " + keys->account + ": nothing staked");
  }
  if (!stake.ok()) return stake.err();
  fmt::print("miner     {} · staked {} · unbonding {}\n", keys->account, amount(stake->staked_micro),
             amount(stake->unbonding_micro));
  const bool unbonding = stake->staked_micro > 0;
  if (unbonding) IG_TRY(unbond_all(*grid, keys->account, stake->staked_micro));
  if (options.withdraw) return withdraw_matured(*grid, keys->account, unbonding);
  if (!unbonding) {
    return make_error(error_code::conflict, "nothing staked to unbond (" + amount(stake->unbonding_micro) +
                                                " unbonding: --withdraw frees it once matured)");
  }
  return {};
}

void add_miner_leave(CLI::App& app) {
  auto* command = miner_group(app)->add_subcommand(
      "leave", "Leave the grid: unbond your whole stake (withdrawable after the ledger's unbonding epochs), and "
               "with --withdraw free the unbondings that have matured.");
  set_default_log_level(*command, log_level::warn);  // asks a running grid
  auto options = std::make_shared<leave_options>();
  command->add_option("--config", options->config, "The miner's node config (as given to `miner join`).")->required();
  command->add_option("--model", options->model, "The model's gpu_worker when the config has several.");
  command->add_option("--settlement", options->settlement, "The ledger actor's name on its node.")->capture_default_str();
  command->add_option("--timeout-ms", options->timeout_ms, "How long to wait for each grid reply.")->capture_default_str();
  command->add_flag("--withdraw", options->withdraw, "Also free every unbonding past its unbonding period.");
  command->callback([options] {
    auto outcome = run_leave(*options);
    if (!outcome.ok()) {
      fmt::print(stderr, "infergrid miner leave: {}\n", outcome.err().message);
      set_exit_code(1);
    }
  });
}

IG_REGISTER_COMMAND(add_miner_leave);

}  // namespace
}  // namespace infergrid::cli

// `infergrid miner status --config miner.yaml`: how a miner is doing on its running grid — from the
// matchmaker (grid_view_query): whether its worker is online, what it advertises, its reputation and
// the recent jobs it served with the validators' audits of them; from the ledger (as its own
// account): balance, stake, whether it is schedulable, and its earnings summed from its entries
// (paid receipts, epoch rewards, slashes, verdicts recorded against it).
#include <fmt/format.h>

#include "actors/cli/command_registry.hpp"
#include "actors/cli/log_level_option.hpp"
#include "actors/cli/miner_grid.hpp"
#include "actors/cli/miner_group.hpp"
#include "actors/cli/miner_setup.hpp"
#include "actors/settlement/ledger/amount.hpp"
#include "messages/account_history.hpp"
#include "messages/ledger.hpp"
#include "messages/match.hpp"

namespace infergrid::cli {
namespace {

struct status_options {
  std::string config;
  std::string model;
  std::string settlement = "settlement";
  std::int64_t timeout_ms = 3000;
  std::uint64_t entries = 0;  // 0 = all
  std::uint32_t page_entries = account_history_entries_max;
};

// Bounds the paging loop: 20,000 pages of 500 entries, ten million entries of one account.
constexpr std::uint64_t history_pages_max = 20'000;

std::string amount(std::int64_t micro) { return ledger::format_amount(micro); }

// What the ledger's entries for the account add up to.
struct earnings_summary {
  std::int64_t receipts_micro = 0;
  std::uint32_t paid_receipts = 0;
  std::int64_t rewards_micro = 0;
  std::uint32_t reward_epochs = 0;
  std::int64_t slashed_micro = 0;
  std::uint32_t verdicts = 0;
  std::uint32_t convictions = 0;
};

earnings_summary sum_entries(const entries_reply& history) {
  earnings_summary out;
  for (const ledger_entry_summary& e : history.entries) {
    std::int64_t free_delta = 0, bonded_delta = 0;
    for (const ledger_posting& p : e.postings) (p.bucket == 0 ? free_delta : bonded_delta) += p.delta_micro;
    if (e.operation == "settle" || e.operation == "partial_settle") {
      if (free_delta > 0) out.receipts_micro += free_delta, ++out.paid_receipts;
    } else if (e.operation == "epoch_close") {
      if (free_delta > 0) out.rewards_micro += free_delta, ++out.reward_epochs;
    } else if (e.operation == "verdict") {
      ++out.verdicts;
      out.convictions += e.convicted ? 1 : 0;
      if (bonded_delta < 0) out.slashed_micro -= bonded_delta;
    }
  }
  return out;
}

void print_worker(const grid_view_report& view, const std::string& account) {
  const worker_view* mine = nullptr;
  for (const auto& w : view.workers) mine = w.worker_id == account ? &w : mine;
  if (mine == nullptr) {
    fmt::print("worker    offline: not registered with the matchmaker now (`infergrid miner join` or "
               "`infergrid node` serves)\n");
    return;
  }
  std::string models;
  double tokens_per_second = 0;
  for (const auto& offer : mine->models) {
    models += (models.empty() ? "" : ",") + offer.name;
    tokens_per_second = std::max(tokens_per_second, offer.tokens_per_second);
  }
  fmt::print("worker    online as {} · serves {} at {:.1f} tokens/s advertised · {}/{} slots free · {} tokens generated\n",
             mine->address, models, tokens_per_second, mine->free_slots, mine->slots, mine->tokens_generated);
  fmt::print("standing  reputation {}‰ · first token {:.0f} ms (EWMA) · stalls {} · registered {} s ago\n",
             mine->reputation_permille, mine->first_token_ms_measured, mine->stalls, mine->registered_ms_ago / 1000);
}

void print_jobs(const grid_view_report& view, const std::string& account) {
  std::uint32_t jobs = 0, receipts = 0, audited = 0, guilty = 0, escalated = 0;
  std::uint64_t prompt = 0, completion = 0;
  for (const auto& j : view.recent_jobs) {
    if (j.worker_id != account) continue;
    ++jobs;
    receipts += j.receipt ? 1 : 0;
    prompt += j.prompt_tokens, completion += j.completion_tokens;
    audited += j.verdicts > 0 ? 1 : 0;
    guilty += j.guilty_verdicts > 0 ? 1 : 0;
    escalated += j.escalated ? 1 : 0;
  }
  fmt::print("jobs      {} of the grid's {} most recent jobs served by you: {} prompt + {} completion tokens, {} signed "
             "receipts\n", jobs, view.recent_jobs.size(), prompt, completion, receipts);
  fmt::print("audits    {} of them audited by validators: {} innocent, {} guilty, {} escalated\n", audited,
             audited - guilty, guilty, escalated);
}

// The account's ledger history, newest first, `page_entries` at a time until it ends or
// `entries_max` (0 = all) were read.
result<entries_reply> read_history(miner_grid& grid, const std::string& account, std::uint64_t entries_max,
                                   std::uint32_t page_entries) {
  entries_reply all;
  std::uint64_t before_seq = 0;
  for (std::uint64_t page = 0; page < history_pages_max; ++page) {
    const std::uint64_t wanted =
        entries_max == 0 ? page_entries : std::min<std::uint64_t>(page_entries, entries_max - all.entries.size());
    auto read = grid.ask_settlement<entries_reply>(
        account_history_query{account, static_cast<std::uint32_t>(wanted), before_seq});
    if (!read.ok()) return read.err();
    for (auto& e : read->entries) {
      if (before_seq > 0 && e.seq >= before_seq) {  // a settlement actor that predates before_seq
        return make_error(error_code::unsupported, "the ledger answered entry " + std::to_string(e.seq) +
                                                       " again: it cannot page an account's history (upgrade its node)");
      }
      before_seq = e.seq;
      all.entries.push_back(std::move(e));
    }
    const bool done = read->entries.size() < wanted || before_seq <= 1 ||
                      (entries_max > 0 && all.entries.size() >= entries_max);
    if (done) return all;
  }
  return make_error(error_code::too_large, "more than " + std::to_string(history_pages_max) + " pages of history");
}

status print_ledger(miner_grid& grid, const std::string& account, std::uint64_t entries, std::uint32_t page_entries) {
  auto balance = grid.ask_settlement<balance_reply>(balance_query{account});
  if (!balance.ok() && balance.err().code == error_code::not_found) {
    fmt::print("ledger    no account {} yet (the grid's operator funds it)\n", account);
    return {};
  }
  if (!balance.ok()) return balance.err();
  auto stake = grid.ask_settlement<stake_reply>(stake_query{account});
  if (!stake.ok()) return stake.err();
  fmt::print("ledger    balance {} · staked {} · unbonding {} · {}\n", amount(balance->balance_micro),
             amount(balance->staked_micro), amount(balance->unbonding_micro),
             stake->schedulable ? "schedulable" : "NOT schedulable (stake under the ledger's minimum)");
  auto history = read_history(grid, account, entries, page_entries);
  if (!history.ok()) return history.err();
  const earnings_summary sum = sum_entries(*history);
  fmt::print("earnings  {} from {} paid receipts · {} from {} epoch rewards · {} slashed ({} {} ledger entries)\n",
             amount(sum.receipts_micro), sum.paid_receipts, amount(sum.rewards_micro), sum.reward_epochs,
             amount(sum.slashed_micro), entries == 0 ? "all your" : "your newest", history->entries.size());
  fmt::print("verdicts  {} validators' verdicts on your receipts in the ledger, {} convicted\n", sum.verdicts,
             sum.convictions);
  return {};
}

status run_status(const status_options& options) {
  auto setup = read_miner_setup({options.config, options.model, options.settlement});
  if (!setup.ok()) return setup.err();
  auto keys = open_miner_keys(*setup, false);
  if (!keys.ok()) return keys.err();
  auto grid = miner_grid::connect(*setup, "miner-status", options.timeout_ms);
  if (!grid.ok()) return grid.err();
  auto view = grid->ask_matchmaker<grid_view_report>(grid_view_query{grid_view_recent_jobs_max});
  if (!view.ok()) return view.err();
  fmt::print("miner     {} ({}) on {}\n", keys->account, setup->signing_key_path, setup->matchmaker.actor);
  print_worker(*view, keys->account);
  print_jobs(*view, keys->account);
  return print_ledger(*grid, keys->account, options.entries, options.page_entries);
}

void add_miner_status(CLI::App& app) {
  auto* command = miner_group(app)->add_subcommand(
      "status", "Show your miner on its running grid: online or not, reputation, recent jobs and their audits, ledger "
                "balance, stake and earnings.");
  set_default_log_level(*command, log_level::warn);  // asks a running grid
  auto options = std::make_shared<status_options>();
  command->add_option("--config", options->config, "The miner's node config (as given to `miner join`).")->required();
  command->add_option("--model", options->model, "The model's gpu_worker when the config has several.");
  command->add_option("--settlement", options->settlement, "The ledger actor's name on its node.")->capture_default_str();
  command->add_option("--timeout-ms", options->timeout_ms, "How long to wait for each grid reply.")->capture_default_str();
  command->add_option("--entries", options->entries, "Sum only your newest N ledger entries (0: all of them).")
      ->capture_default_str();
  command->add_option("--page-entries", options->page_entries, "Entries asked of the ledger per page.")
      ->capture_default_str()
      ->check(CLI::Range(1u, account_history_entries_max));
  command->callback([options] {
    auto outcome = run_status(*options);
    if (!outcome.ok()) {
      fmt::print(stderr, "infergrid miner status: {}\n", outcome.err().message);
      set_exit_code(1);
    }
  });
}

IG_REGISTER_COMMAND(add_miner_status);

}  // namespace
}  // namespace infergrid::cli

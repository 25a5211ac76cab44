// `infergrid status`: the dashboard's picture in the terminal — nodes and workers, models, miners'
// stake and earnings, the queue, recent jobs and the ledger's last epoch — asked over tcp from the
// matchmaker (grid_view_query) and the settlement actor (ledger_view_query) of a running node, as
// `infergrid trace` asks. `--watch` redraws it every few seconds.
#include <algorithm>
#include <chrono>
#include <exception>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "actors/cli/command_registry.hpp"
#include "actors/cli/log_level_option.hpp"
#include "actors/cli/actor_address.hpp"
#include "actors/cli/node_client.hpp"
#include "actors/cli/text_table.hpp"
#include "messages/ledger_view.hpp"
#include "messages/match.hpp"
#include "runtime/log_escape.hpp"

namespace {

using namespace infergrid;

struct status_options {
  std::string config;
  std::string endpoint;
  std::string node_name;
  std::string server_key;
  std::string transport_key;
  std::string identity;
  std::string matchmaker = "matchmaker";
  std::string settlement = "settlement";
  std::int64_t timeout_ms = 3000;
  bool watch = false;
  double interval_s = 2;        // with --watch: seconds between pictures
  std::int64_t iterations = 0;  // with --watch: stop after this many pictures (0 = until interrupted)
  std::uint32_t jobs = 10;
};

// Names miners chose (model, node, worker ids) are printed with control characters escaped, as the
// log writes them: an escape sequence in a name cannot clear or redraw the operator's terminal.
std::string shown(const std::string& text) { return escape_control_characters(text); }
std::string short_id(const std::string& id) { return shown(id.size() > 16 ? id.substr(0, 14) + "…" : id); }
std::string tokens(std::int64_t micro) { return fmt::format("{:.6f}", static_cast<double>(micro) / 1e6); }

std::string model_names(const std::vector<model_offer>& offers) {
  std::string out;
  for (const auto& offer : offers) out += (out.empty() ? "" : ",") + shown(offer.name);
  return out;
}

void print_grid(const grid_view_report& g) {
  std::uint64_t slots = 0, free_slots = 0, running = 0;
  for (const auto& w : g.workers) slots += w.slots, free_slots += w.free_slots, running += w.running;
  fmt::print("workers {} · slots {} free {} · running {} · queued {} · jobs in flight {}\n", g.workers.size(), slots,
             free_slots, running, g.queued, g.jobs_in_flight);
  fmt::print("completed {} · failed {} · failovers {} · evictions {} · receipts {} · audit verdicts {} · convictions {} "
             "· validators {}\n\n",
             g.completed, g.failed, g.failovers, g.evictions, g.receipts, g.audit_verdicts, g.convictions, g.validators);
  constexpr auto right = cli::align::right;
  cli::text_table models({{"model"}, {"workers", right}, {"slots", right}, {"free", right}, {"running", right},
                          {"queued", right}, {"load", right}, {"completed", right}, {"price/1k", right}});
  for (const auto& m : g.models) {
    models.add_row({shown(m.model), fmt::to_string(m.workers), fmt::to_string(m.slots), fmt::to_string(m.free_slots),
                    fmt::to_string(m.running), fmt::to_string(m.queued), fmt::format("{:.1f}%", m.utilisation_permille / 10.0),
                    fmt::to_string(m.completed), fmt::to_string(m.min_price_completion_micro)});
  }
  fmt::print("{}", models.render());
  cli::text_table workers({{"worker"}, {"node"}, {"models"}, {"free/slot", right}, {"running", right}, {"queued", right},
                           {"tokens", right}, {"tok/s", right}, {"1st tok", right}, {"rep.", right}, {"seen", right}});
  for (const auto& w : g.workers) {
    const auto slash = w.address.find('/');
    double best = 0;
    for (const auto& offer : w.models) best = std::max(best, offer.tokens_per_second);
    workers.add_row({short_id(w.worker_id), shown(slash == std::string::npos ? "" : w.address.substr(0, slash)),
                     model_names(w.models), fmt::format("{}/{}", w.free_slots, w.slots), fmt::to_string(w.running),
                     fmt::to_string(w.queued), fmt::to_string(w.tokens_generated), fmt::format("{:.1f}", best),
                     fmt::format("{:.0f}ms", w.first_token_ms_measured), fmt::format("{}‰", w.reputation_permille),
                     fmt::format("{}ms", w.last_seen_ms_ago)});
  }
  fmt::print("\n{}", workers.render());
}

void print_ledger(const ledger_view_report& l) {
  fmt::print("\nledger: epoch {} open · {} entries · {} open escrows · chain check {}\n", l.epoch, l.last_seq,
             l.open_escrows,
             l.verify_error.empty() ? fmt::format("ok ({} newest entries)", l.verified_entries) : "FAILED: " + l.verify_error);
  if (l.epochs.empty()) fmt::print("last epoch: none closed yet\n");
  else fmt::print("last epoch: {} closed at entry {}, root {}\n", l.epochs.front().epoch, l.epochs.front().last_seq,
                  to_hex(l.epochs.front().root_hash));
  if (l.account_data_withheld) {
    fmt::print("miners' accounts: withheld (pass --identity with a key the node lists as coordinator or operator)\n");
    return;
  }
  constexpr auto right = cli::align::right;
  cli::text_table miners({{"miner"}, {"staked", right}, {"earnings", right}, {"epoch tokens", right}, {"multiplier", right}});
  for (const auto& a : l.accounts) {
    if (a.kind != 1) continue;  // miners
    const bool early = a.first_stake_epoch >= 0 && a.first_stake_epoch < l.early_participant_epochs;
    miners.add_row({short_id(a.account), tokens(a.staked_micro), tokens(a.balance_micro), fmt::to_string(a.epoch_tokens),
                    fmt::format("{}%", early ? l.early_participant_multiplier_percent : 100)});
  }
  fmt::print("\n{}", miners.render());
}

void print_jobs(const grid_view_report& g) {
  cli::text_table jobs({{"recent job"}, {"model"}, {"miner"}, {"tokens", cli::align::right}, {"receipt"}, {"audit"}});
  for (const auto& j : g.recent_jobs) {
    const std::string audit = j.guilty_verdicts > 0 ? "guilty" : j.verdicts > 0 ? "innocent" : "not audited";
    jobs.add_row({shown(j.request_id), shown(j.model), short_id(j.worker_id),
                  fmt::format("{}+{}", j.prompt_tokens, j.completion_tokens), j.receipt ? "signed" : "none",
                  audit + (j.escalated ? " (escalated)" : "")});
  }
  fmt::print("\n{}", jobs.render());
}

status print_status(const cli::connected_node& connected, const status_options& options) {
  node& client = *connected.client;
  const std::string& target_node = connected.target_node;
  const std::string matchmaker = cli::actor_address(options.matchmaker, target_node, connected.peers);
  const auto begin = std::chrono::steady_clock::now();
  auto grid = client.call<grid_view_report>(matchmaker, grid_view_query{options.jobs}, options.timeout_ms);
  if (!grid.ok()) return cli::explain_failure(connected, matchmaker, grid.err(), options.timeout_ms);
  const auto took_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begin).count();
  fmt::print("grid {} at {} · matchmaker answered in {} ms\n", target_node, connected.endpoint, took_ms);
  print_grid(*grid);
  const std::string settlement = cli::actor_address(options.settlement, target_node, connected.peers);
  auto ledger = client.call<ledger_view_report>(settlement, ledger_view_query{20}, options.timeout_ms);
  // A silent ledger is explained as a silent matchmaker is: what the link to its node shows. One
  // that answered with a refusal (no settlement actor there, say) was reached: its words are shown.
  if (ledger.ok()) {
    print_ledger(*ledger);
  } else {
    const bool silent = ledger.err().code == error_code::timeout;
    fmt::print("\nledger: {}{}\n", silent ? "not reached: " : "",
               cli::explain_failure(connected, settlement, ledger.err(), options.timeout_ms).message);
  }
  print_jobs(*grid);
  std::fflush(stdout);
  return {};
}

status run_status(const status_options& options) {
  auto connected = cli::connect_to_node(
      {options.config, options.endpoint, options.node_name, options.server_key, options.transport_key, options.identity},
      "status");
  if (!connected.ok()) return connected.err();
  if (!options.watch) return print_status(*connected, options);
  status last = {};
  for (std::int64_t shown = 0; options.iterations == 0 || shown < options.iterations; ++shown) {
    if (shown > 0) std::this_thread::sleep_for(std::chrono::duration<double>(options.interval_s));
    fmt::print("\x1b[H\x1b[2J");  // home, clear: one picture per screen
    last = print_status(*connected, options);
    if (!last.ok()) fmt::print("{}\n", last.err().message);  // the grid may come back: keep watching
  }
  return last;  // --iterations: the exit status is the last picture's
}

// --interval's bounds: each picture costs the matchmaker and the ledger one view each, so a picture
// every 0 s would keep them building views; an hour between pictures is the longest that still watches.
constexpr double interval_s_min = 0.1;
constexpr double interval_s_max = 3600;

std::string check_interval(std::string& text) {
  double seconds = 0;
  try {
    std::size_t used = 0;
    seconds = std::stod(text, &used);
    if (used != text.size()) seconds = -1;
  } catch (const std::exception&) {
    seconds = -1;
  }
  if (seconds >= interval_s_min && seconds <= interval_s_max) return "";
  return fmt::format("seconds between pictures, from {} to {} (got '{}')", interval_s_min, interval_s_max, text);
}

void add_status(CLI::App& app) {
  auto* command = app.add_subcommand("status", "Print the live grid: workers, models, queue, miners' stake and "
                                               "earnings, the ledger's last epoch, recent jobs.");
  infergrid::cli::set_default_log_level(*command, infergrid::log_level::warn);  // asks a running grid
  auto options = std::make_shared<status_options>();
  command->add_option("--config", options->config, "Config of the node hosting the matchmaker and settlement "
                                                    "(default: deploy/all-in-one.yaml).");
  command->add_option("--endpoint", options->endpoint, "tcp://host:port of that node (overrides the config).");
  command->add_option("--node", options->node_name, "Name of that node (overrides the config).");
  command->add_option("--server-key", options->server_key, "The node's CurveZMQ public key when reached by --endpoint.");
  command->add_option("--transport-key", options->transport_key, "With --server-key: the transport.key to connect with.");
  command->add_option("--identity", options->identity, "Signing key to ask with: one the node lists under "
                                                        "security.operators or coordinators also reads miners' accounts.");
  command->add_option("--matchmaker", options->matchmaker, "The matchmaker actor's name (default: matchmaker).");
  command->add_option("--settlement", options->settlement, "The settlement actor: a name (default: settlement; on the config's peer that hosts it, "
                                                  "else on the node reached) or a full address node/actor.");
  command->add_option("--jobs", options->jobs, "Recent jobs listed (default: 10).")->check(CLI::Range(0, 500));
  command->add_option("--timeout-ms", options->timeout_ms, "How long to wait for each reply (default: 3000).");
  command->add_flag("--watch", options->watch, "Redraw the picture every --interval seconds until interrupted.");
  command->add_option("--interval", options->interval_s, "With --watch: seconds between pictures (default: 2).")
      ->check(CLI::Validator(check_interval, "SECONDS"));
  command->add_option("--iterations", options->iterations, "With --watch: stop after this many pictures.");
  command->callback([options] {
    auto outcome = run_status(*options);
    if (!outcome.ok()) {
      fmt::print(stderr, "infergrid status: {}\n", outcome.err().message);
      infergrid::cli::set_exit_code(1);
    }
  });
}

IG_REGISTER_COMMAND(add_status);

}  // namespace

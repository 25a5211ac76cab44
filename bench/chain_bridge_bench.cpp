// chain_bridge_bench: settled requests/s through the settlement actor with the chain bridge on vs
// off (issue 16's target: on ≥ 0.9× off). Both runs: one node hosting the settlement actor
// (durable: false, so the figure is CPU and bus bound, where the bridge's cost would show), one
// client sending escrow + signed settlement for each request, one after the other. "On": the bridge
// follows a local anvil node polling every 50 ms while a feeder deposits on-chain and mines blocks
// throughout, so the actor books chain events in the same group commits as the settlements, and an
// epoch closes every 200 ms and is anchored by the operator key (chain transactions per request).
// Usage (from the repository root, after the chain_npm_install/chain_contracts_compile fixtures):
//   ./build/bench/chain_bridge_bench [--requests 2000]
// Then one epoch of N settled requests (N = requests/2, 2×, 8×), each on a fresh vault, closed once:
// the chain transactions and gas settlement sent for it, which must not grow with N.
#include <CLI/CLI.hpp>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include <fstream>

#include "actors/settlement/chain/contract_views.hpp"
#include "actors/settlement/chain/vault_calls.hpp"
#include "actors/settlement/chain_ledger_operations.hpp"
#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "actors/settlement/ledger/signed_ops.hpp"
#include "messages/ledger.hpp"
#include "messages/ledger_view.hpp"
#include "runtime/config.hpp"
#include "runtime/node.hpp"
#include "tests/support/vault_devnet.hpp"

namespace infergrid {
namespace {

constexpr std::int64_t call_timeout_ms = 10000;

struct run_result {
  double requests_per_s = 0;
  std::int64_t chain_deposits_booked_micro = 0;
};

std::unique_ptr<node> start_node(const std::string& db, const std::string& chain_settings) {
  const std::string yaml = "node: {name: bench}\nlimits: {drain_quiet_ms: 10}\nactors:\n  - name: settlement\n"
                           "    kind: settlement\n    settings: {db: " + db + ", durable: false, genesis_deposits: {dev: 1000000000000}" +
                           chain_settings + "}\n";
  auto config = parse_config(yaml, "<chain bridge bench>");
  if (!config) return nullptr;
  auto created = node::create(std::move(*config));
  if (!created || !(*created)->start().ok()) return nullptr;
  return std::move(*created);
}

result<double> settle_requests(node& grid, const identity& miner, const std::string& tag, int requests) {
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < requests; ++i) {
    const std::string request = tag + "-" + std::to_string(i);
    auto held = grid.call<escrow_reply>("settlement", escrow_request{"esc-" + request, request, "dev", 2'000'000, 1'000, 4'000},
                                        call_timeout_ms);
    if (!held) return held.err();
    const ledger::settle_op op = ledger::make_settle(miner, request, 500, 250, digest{});
    auto paid = grid.call<settle_reply>("settlement",
                                        settle_receipt{"settle-" + request, request, op.receipt.miner, 500, 250,
                                                       op.receipt.receipt_digest, op.miner_signature},
                                        call_timeout_ms);
    if (!paid) return paid.err();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return requests / seconds;
}

// Pins the calling thread (and the threads it starts later) to `cpu` when the machine has it.
void pin_to_cpu(int cpu) {
  if (cpu >= static_cast<int>(std::thread::hardware_concurrency())) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  (void)pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

// One epoch of `count` settled requests on a fresh vault, closed once and anchored: the chain
// transactions settlement sent for it and their gas (what must not grow with the requests).
struct epoch_cost {
  std::int64_t transactions = 0;
  std::uint64_t gas = 0;
  double seconds_to_settle = 0;
};

result<epoch_cost> one_epoch(const identity& miner, const std::string& db, const std::string& key_file, int count) {
  auto net = testing::vault_devnet::start();
  if (!net) return net.err();
  IG_TRY((*net)->fund((*net)->operator_key, 0));
  std::ofstream(key_file) << chain::to_hex_0x((*net)->operator_key.secret()) << "\n";
  auto grid = start_node(db, ", chain_endpoint: '" + (*net)->node->endpoint() + "', chain_vault: '" +
                                 chain::to_hex_0x((*net)->vault) + "', chain_confirmations: 2, chain_poll_interval_ms: 50, "
                                 "chain_operator_key: " + key_file);
  if (!grid) return make_error(error_code::internal, "the node did not start");
  auto rate = settle_requests(*grid, miner, "epoch", count);
  if (!rate) return rate.err();
  auto closed = grid->call<epoch_root>("settlement", epoch_close{"close-0", 0, 0, {}}, call_timeout_ms);
  if (!closed) return closed.err();
  for (int i = 0; i < 200; ++i) {  // the anchorer sends it in the background
    auto latest = chain::read_u64(*(*net)->client, (*net)->vault, chain::vault_call::latest_epoch());
    if (latest && *latest >= 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  grid->stop();
  epoch_cost out;
  out.seconds_to_settle = count / *rate;
  auto head = (*net)->client->block_number();
  if (!head) return head.err();
  auto logs = (*net)->client->logs((*net)->vault, 0, *head, chain::vault_event_topic("EpochAnchored(uint64,bytes32,bytes32,uint64)"));
  if (!logs) return logs.err();
  for (const chain::chain_log& log : *logs) {
    auto receipt = (*net)->client->rpc().call("eth_getTransactionReceipt",
                                              nlohmann::json::array({chain::to_hex_0x(log.transaction_hash)}));
    if (!receipt) return receipt.err();
    auto gas = chain::quantity_from_hex(receipt->value("gasUsed", ""));
    if (!gas) return gas.err();
    ++out.transactions;
    out.gas += *gas;
  }
  return out;
}

}  // namespace
}  // namespace infergrid

int main(int argc, char** argv) {
  using namespace infergrid;
  int requests = 2000;
  CLI::App app{"chain_bridge_bench: settled requests/s with the settlement actor's chain bridge on vs off "
               "(starts anvil; run from the repository root)."};
  app.option_defaults()->always_capture_default();
  app.add_option("--requests", requests, "settled requests per side")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  auto net = testing::vault_devnet::start();
  if (!net) {
    std::fprintf(stderr, "chain_bridge_bench: %s\n", net.err().message.c_str());
    return 1;
  }
  // Settlement (and every thread it starts) on CPU 0, the chain's side (anvil, started before this
  // and left to the scheduler, and the feeder) on CPU 1 where there are two: on a shared pair of
  // cores the ratio would also count anvil mining a block every 20 ms against settlement, which a
  // remote chain node does not cost it. With one CPU both share it.
  pin_to_cpu(0);
  const identity miner = identity::generate();
  ledger::testing::temp_dir dir{"chain-bridge-bench"};

  // The baseline is the mean of a run before and a run after the bridge's, each on a fresh ledger,
  // after a warm-up run that is not counted. It closes an epoch every 200 ms too, so the ratio is the
  // bridge's own cost (following, booking, anchoring), not that of closing epochs.
  const auto run_off = [&](const std::string& tag, int count) -> result<double> {
    auto grid = start_node(dir.file(tag + ".db"), ", epoch_interval_ms: 200");  // epochs close as in the bridge's run
    if (!grid) return make_error(error_code::internal, "the node did not start");
    auto rate = settle_requests(*grid, miner, tag, count);
    grid->stop();
    return rate;
  };
  (void)run_off("warm", requests / 4);
  auto off_before = run_off("off-before", requests);
  if (!off_before) {
    std::fprintf(stderr, "chain_bridge_bench (bridge off): %s\n", off_before.err().message.c_str());
    return 1;
  }

  const chain::chain_key depositor = chain::chain_key::generate();
  if (!(*net)->fund(depositor, 1'000'000'000'000).ok() || !(*net)->fund((*net)->operator_key, 0).ok()) return 1;
  // The bridge anchors as well: an epoch closes every 200 ms and each closed epoch is anchored.
  const std::string operator_key_file = dir.file("operator.key");
  std::ofstream(operator_key_file) << chain::to_hex_0x((*net)->operator_key.secret()) << "\n";
  auto on_grid = start_node(dir.file("on.db"), ", chain_endpoint: '" + (*net)->node->endpoint() + "', chain_vault: '" +
                                                   chain::to_hex_0x((*net)->vault) +
                                                   "', chain_confirmations: 2, chain_poll_interval_ms: 50, "
                                                   "epoch_interval_ms: 200, chain_operator_key: " + operator_key_file);
  if (!on_grid) return 1;
  std::atomic<bool> feeding{true};
  std::atomic<int> deposits{0};
  std::thread feeder([&] {  // its own client: chain_client is not shared between threads
    pin_to_cpu(1);            // with anvil, the chain's side: a remote node in production
    chain::chain_client client((*net)->node->endpoint());
    while (feeding) {
      if (client.send(depositor, (*net)->vault, chain::vault_call::deposit(1'000'000)).ok()) ++deposits;
      (void)client.rpc().call("evm_mine");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  auto on = settle_requests(*on_grid, miner, "on", requests);
  feeding = false;
  feeder.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto booked = on_grid->call<balance_reply>("settlement", balance_query{ledger_account_of(depositor.chain_address())},
                                             call_timeout_ms);
  std::int64_t anchors = 0;  // EpochAnchored events: the chain transactions settlement itself sent
  if (auto head = (*net)->client->block_number(); head) {
    if (auto logs = (*net)->client->logs((*net)->vault, 0, *head, chain::vault_event_topic("EpochAnchored(uint64,bytes32,bytes32,uint64)")); logs) {
      anchors = static_cast<std::int64_t>(logs->size());
    }
  }
  auto view = on_grid->call<ledger_view_report>("settlement", ledger_view_query{0}, call_timeout_ms);  // after: epochs >= anchors
  on_grid->stop();
  const std::int64_t epochs_closed = view ? view->epoch : -1;
  if (!on) {
    std::fprintf(stderr, "chain_bridge_bench (bridge on): %s\n", on.err().message.c_str());
    return 1;
  }
  auto off_after = run_off("off-after", requests);
  if (!off_after) return 1;
  const double off = (*off_before + *off_after) / 2;
  std::printf("settled requests/s, %d requests (escrow + signed settlement, one client, durable: false)\n", requests);
  std::printf("  bridge off (baseline): %10.1f req/s   (mean of %.1f before and %.1f after)\n", off, *off_before, *off_after);
  std::printf("  bridge on:             %10.1f req/s   (%d on-chain deposits sent meanwhile, %lld micro booked)\n", *on,
              deposits.load(), booked ? static_cast<long long>(booked->balance_micro) : -1LL);
  std::printf("  ratio on/off:          %10.2fx (target >= 0.9x)\n", *on / off);
  std::printf("anchoring while it ran: %lld epochs closed (every 200 ms), %lld anchorEpoch transactions (<= 1 per epoch)\n",
              static_cast<long long>(epochs_closed), static_cast<long long>(anchors));
  std::printf("  chain transactions per 1,000,000 settled requests: %.1f (= anchors per epoch x epochs; with hour-long\n"
              "  epochs, 1 per epoch however many requests it settles)\n",
              1e6 * static_cast<double>(anchors) / requests);

  // The same epoch cost whatever the number of requests it settled: one epoch of N, for growing N.
  std::printf("one epoch of N settled requests, closed once (fresh vault each; the operator's chain transactions):\n");
  double gas_per_epoch = 0;
  for (const int n : {requests / 2, requests * 2, requests * 8}) {
    auto cost = one_epoch(miner, dir.file("epoch-" + std::to_string(n) + ".db"), dir.file("epoch-operator.key"), n);
    if (!cost) {
      std::fprintf(stderr, "chain_bridge_bench (one epoch of %d): %s\n", n, cost.err().message.c_str());
      return 1;
    }
    std::printf("  N = %6d: %lld chain transaction(s), %llu gas (settled in %.1f s)\n", n,
                static_cast<long long>(cost->transactions), static_cast<unsigned long long>(cost->gas), cost->seconds_to_settle);
    gas_per_epoch = static_cast<double>(cost->gas);
  }
  std::printf("  per 1,000,000 settled requests in one epoch: 1 transaction, %.0f gas; with E epochs, E anchors\n"
              "  (about %.0f gas each), independent of the number of requests\n",
              gas_per_epoch, gas_per_epoch);
  return 0;
}

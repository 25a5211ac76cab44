// ledger_bench: settled requests per second (escrow + settle, durability on: WAL + synchronous=FULL,
// group commit) beside the baseline of raw SQLite inserts of the very same entry rows into the same
// table shape in the same run with the same durability and transaction size; then `ledger verify`
// time per million entries on a ledger built with durability off.
// Usage: ledger_bench [--requests N] [--batch REQUESTS_PER_COMMIT] [--verify-entries N] [--dir PATH]
#include <CLI/CLI.hpp>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "actors/settlement/ledger/ledger.hpp"
#include "actors/settlement/ledger/ledger_verify.hpp"
#include "actors/settlement/ledger/signed_ops.hpp"

namespace lg = infergrid::ledger;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
  int requests = 20'000;
  int batch = 64;
  int verify_entries = 200'000;
  std::string dir = std::filesystem::temp_directory_path().string();
};

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

infergrid::identity key(std::uint8_t n) {
  std::array<std::uint8_t, 32> seed{};
  seed[0] = n;
  return infergrid::identity::from_seed(seed);
}

void die(const std::string& what) {
  std::fprintf(stderr, "ledger_bench: %s\n", what.c_str());
  std::exit(1);
}

// The commands for `requests` paid requests, signed by the miner up front (client work, not timed).
std::vector<std::vector<lg::command>> make_batches(int requests, int batch) {
  const infergrid::identity miner = key(2);
  std::vector<std::vector<lg::command>> batches;
  for (int first = 0; first < requests; first += batch) {
    std::vector<lg::command>& commands = batches.emplace_back();
    for (int i = first; i < std::min(requests, first + batch); ++i) {
      const std::string request = "req-" + std::to_string(i);
      commands.push_back({"escrow-" + request, request, lg::escrow_op{request, "payer", 50'000, 1'000, 2'000}});
      commands.push_back({"settle-" + request, request,
                          lg::make_settle(miner, request, 100 + i % 50, 200 + i % 300, infergrid::digest{})});
    }
  }
  return batches;
}

// Submits the batches (one group commit each); returns seconds taken.
double pay_requests(lg::ledger& l, const std::vector<std::vector<lg::command>>& batches) {
  const auto started = clock_type::now();
  for (const auto& commands : batches) {
    for (const auto& ack : l.submit(commands)) {
      if (!ack) die(ack.err().message);
    }
  }
  return seconds_since(started);
}

lg::ledger open_funded(const std::string& path, bool durable) {
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  auto opened = lg::ledger::open(lg::ledger_options{.path = path, .durable = durable}, key(1));
  if (!opened) die(opened.err().message);
  std::vector<lg::command> setup{{"fund", "bench", lg::deposit_op{"payer", 0, lg::amount_max_micro / 2}},
                                 {"miner", "bench", lg::deposit_op{lg::account_of(key(2)), 1, 1}}};
  for (const auto& ack : opened->submit(setup)) {
    if (!ack) die(ack.err().message);
  }
  return std::move(*opened);
}

// Baseline: the same entry rows, inserted raw (same table with its op_id UNIQUE index, same
// durability, same rows per transaction). Returns seconds.
double raw_inserts(const std::string& source, const std::string& target, int rows_per_commit) {
  std::vector<lg::entry> rows;
  {
    auto store = lg::ledger_store::open(source, false);
    if (!store) die(store.err().message);
    auto scanned = store->scan(3, [&](const lg::entry& e) -> infergrid::status { rows.push_back(e); return {}; });
    if (!scanned) die(scanned.err().message);
  }
  std::filesystem::remove(target);
  std::filesystem::remove(target + "-wal");
  auto db = lg::sqlite_db::open(target);
  if (!db) die(db.err().message);
  if (!db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;").ok()) die("pragma");
  if (!db->exec("CREATE TABLE entries(seq INTEGER PRIMARY KEY, prev_hash BLOB NOT NULL, op_id TEXT NOT NULL UNIQUE, "
                "cause_id TEXT NOT NULL, op_bytes BLOB NOT NULL, outcome_bytes BLOB NOT NULL, signer BLOB NOT NULL, "
                "signature BLOB NOT NULL, hash BLOB NOT NULL)").ok()) {
    die("create");
  }
  auto insert = db->prepare("INSERT INTO entries VALUES(?,?,?,?,?,?,?,?,?)");
  if (!insert) die(insert.err().message);
  const auto started = clock_type::now();
  for (std::size_t first = 0; first < rows.size(); first += static_cast<std::size_t>(rows_per_commit)) {
    if (!db->exec("BEGIN IMMEDIATE").ok()) die("begin");
    for (std::size_t i = first; i < std::min(rows.size(), first + rows_per_commit); ++i) {
      const lg::entry& e = rows[i];
      bool ok = insert->bind(1, static_cast<std::int64_t>(e.seq)).ok() && insert->bind_blob(2, e.prev_hash).ok() &&
                insert->bind(3, e.op_id).ok() && insert->bind(4, e.cause_id).ok() && insert->bind_blob(5, e.op_bytes).ok() &&
                insert->bind_blob(6, e.outcome_bytes).ok() && insert->bind_blob(7, e.signer).ok() &&
                insert->bind_blob(8, e.sig).ok() && insert->bind_blob(9, e.hash).ok() && insert->run().ok();
      if (!ok) die("insert");
    }
    if (!db->exec("COMMIT").ok()) die("commit");
  }
  return seconds_since(started);
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  CLI::App app{"ledger_bench: settled requests/s against raw SQLite inserts, and ledger verify time per million entries."};
  app.option_defaults()->always_capture_default();
  app.add_option("--requests", o.requests, "settled requests")->check(CLI::PositiveNumber);
  app.add_option("--batch", o.batch, "requests per commit")->check(CLI::Range(1, 2048));
  app.add_option("--verify-entries", o.verify_entries, "ledger entries verified")->check(CLI::Range(2, 1 << 30));
  app.add_option("--dir", o.dir, "where the benchmark's databases are written");
  CLI11_PARSE(app, argc, argv);
  const std::string ledger_path = o.dir + "/ledger-bench.db";
  const std::string raw_path = o.dir + "/ledger-bench-raw.db";

  std::printf("== settled requests/s, durability on (WAL, synchronous=FULL), %d requests, %d per commit ==\n",
              o.requests, o.batch);
  double ours_seconds = 0;
  {
    lg::ledger l = open_funded(ledger_path, true);
    ours_seconds = pay_requests(l, make_batches(o.requests, o.batch));
  }
  const double raw_seconds = raw_inserts(ledger_path, raw_path, 2 * o.batch);
  const double ours_rate = o.requests / ours_seconds;
  const double raw_rate = o.requests / raw_seconds;
  std::printf("baseline  raw SQLite inserts of the same %d entry rows: %10.0f requests/s (%.0f rows/s)\n",
              2 * o.requests, raw_rate, 2 * raw_rate);
  std::printf("ours      ledger escrow+settle (signed, chained, checked): %10.0f requests/s\n", ours_rate);
  std::printf("ratio     ours / baseline: %.2f\n", ours_rate / raw_rate);

  std::printf("== ledger verify, %d entries built with durability off ==\n", o.verify_entries);
  {
    lg::ledger l = open_funded(ledger_path, false);
    const int requests = (o.verify_entries - 2) / 2;
    const double build_seconds = pay_requests(l, make_batches(requests, 512));
    std::printf("built     %llu entries in %.1f s\n", static_cast<unsigned long long>(l.last_seq()), build_seconds);
  }
  const auto started = clock_type::now();
  const std::clock_t cpu_started = std::clock();
  auto report = lg::verify_ledger(ledger_path);
  const double verify_seconds = seconds_since(started);
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_started) / CLOCKS_PER_SEC;
  if (!report) die(report.err().message);
  const double per_million = verify_seconds * 1e6 / static_cast<double>(report->entries);
  std::printf("ours      verify %llu entries: %.2f s wall (%.2f s CPU) -> %.1f s per million entries%s\n",
              static_cast<unsigned long long>(report->entries), verify_seconds, cpu_seconds, per_million,
              report->entries < 1'000'000 ? " (extrapolated linearly)" : "");
  // Baseline for verify: the Ed25519 checks it cannot skip (one per entry, plus one per settle for
  // the miner's receipt), timed alone on the same machine.
  const infergrid::identity signer = key(1);
  const infergrid::digest message{};
  const infergrid::signature sig = signer.sign(message);
  const int checks = 20'000;
  const auto sig_started = clock_type::now();
  int valid = 0;
  for (int i = 0; i < checks; ++i) valid += infergrid::verify_signature(signer.public_id(), message, sig) ? 1 : 0;
  const double per_check = seconds_since(sig_started) / checks;
  if (valid != checks) die("signature check failed");
  const double floor_per_million = per_check * 1.5e6;  // escrow+settle pairs: 1.5 checks per entry
  std::printf("baseline  Ed25519 checks alone (1.5 per entry): %.1f s per million entries\n", floor_per_million);
  std::printf("ratio     verify / signature floor: %.2f\n", per_million / floor_per_million);
  for (const std::string& path : {ledger_path, raw_path}) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
  return 0;
}

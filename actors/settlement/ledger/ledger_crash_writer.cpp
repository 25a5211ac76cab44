// ledger_crash_writer: a test helper process for ledger_crash.test.cpp. It opens a durable ledger
// and streams paid requests (escrow + settle, group-committed four requests per transaction),
// printing each acknowledged op id on stdout only after its transaction committed. Started again
// on the same file it resubmits from the beginning — acknowledged ops come back as replays — and
// carries on. Usage: ledger_crash_writer DB_PATH REQUESTS
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "actors/settlement/ledger/ledger.hpp"
#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "actors/settlement/ledger/signed_ops.hpp"


namespace ig = infergrid;
namespace ledger_ns = infergrid::ledger;
using namespace infergrid::ledger;

namespace {

constexpr int requests_per_batch = 4;

int fail(const std::string& what) {
  std::fprintf(stderr, "ledger_crash_writer: %s\n", what.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return fail("usage: ledger_crash_writer DB_PATH REQUESTS");
  const int requests = std::atoi(argv[2]);
  auto opened = ledger_ns::ledger::open(ledger_options{.path = argv[1]}, testing::key(1));
  if (!opened) return fail(opened.err().message);
  const ig::identity miner = testing::key(2);
  std::vector<command> setup{{"fund-payer", "setup", deposit_op{"payer", 0, 1'000'000 * micro_per_token}},
                             {"fund-miner", "setup", deposit_op{account_of(miner), 1, micro_per_token}}};
  for (const auto& ack : opened->submit(setup)) {
    if (!ack) return fail(ack.err().message);
  }
  for (int first = 0; first < requests; first += requests_per_batch) {
    std::vector<command> batch;
    for (int i = first; i < std::min(requests, first + requests_per_batch); ++i) {
      const std::string request = "req-" + std::to_string(i);
      batch.push_back({"escrow-" + request, request, escrow_op{request, "payer", 10'000, 1'000, 2'000}});
      batch.push_back({"settle-" + request, request, make_settle(miner, request, 100 + i % 7, 200 + i % 13, ig::digest{})});
    }
    const auto acks = opened->submit(batch);
    for (std::size_t i = 0; i < acks.size(); ++i) {
      if (!acks[i]) return fail(batch[i].op_id + ": " + acks[i].err().message);
      std::printf("%s\n", batch[i].op_id.c_str());
    }
    std::fflush(stdout);
  }
  return 0;
}

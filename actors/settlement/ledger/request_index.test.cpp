// The request index: a closed request's id lives in the ledger file, not in memory, and still can
// never be escrowed again nor its receipt paid twice — in the same run, after a reopen (replay),
// on a ledger written before the index existed (filled at open), and verify notices a lost row.
#include <gtest/gtest.h>

#include "actors/settlement/ledger/ledger.hpp"
#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "actors/settlement/ledger/ledger_verify.hpp"
#include "actors/settlement/ledger/signed_ops.hpp"
#include "actors/settlement/ledger/sqlite.hpp"

namespace infergrid::ledger {
namespace {

using testing::key;
constexpr micro_units token = micro_per_token;

class request_index_test : public ::testing::Test {
 protected:
  ledger open_ledger() {
    auto opened = ledger::open(ledger_options{.path = path, .durable = false}, key(100));
    EXPECT_TRUE(opened.ok()) << opened.err().message;
    return std::move(*opened);
  }
  // dev funded, r1 escrowed and settled by the miner's receipt, r2 escrowed and refunded.
  void serve_two_requests(ledger& l) {
    ASSERT_TRUE(l.submit_one({"d", "m", deposit_op{"dev", 0, 10 * token}}).ok());
    ASSERT_TRUE(l.submit_one({"e1", "m", escrow_op{"r1", "dev", token, 10'000, 10'000, 1'700'000'000'000}}).ok());
    ASSERT_TRUE(l.submit_one({"s1", "m", make_settle(miner, "r1", 50, 50, digest{})}).ok());
    ASSERT_TRUE(l.submit_one({"e2", "m", escrow_op{"r2", "dev", token, 1, 1}}).ok());
    ASSERT_TRUE(l.submit_one({"f2", "m", refund_op{"r2", "failed"}}).ok());
  }
  // Every way of using a closed request again, each under a new op id: all refused, nothing moves.
  void expect_closed_requests_refused(ledger& l) {
    const std::uint64_t seq = l.last_seq();
    const auto accounts = l.state().accounts();
    for (const std::string& request : {std::string("r1"), std::string("r2")}) {
      auto escrow = l.submit_one({"again-e-" + request, "m", escrow_op{request, "dev", token, 1, 1}});
      ASSERT_FALSE(escrow.ok());
      EXPECT_EQ(escrow.err().code, error_code::conflict);
      EXPECT_NE(escrow.err().message.find("already has an escrow"), std::string::npos) << escrow.err().message;
      auto settle = l.submit_one({"again-s-" + request, "m", make_settle(miner, request, 50, 50, digest{})});
      ASSERT_FALSE(settle.ok());
      EXPECT_EQ(settle.err().code, error_code::conflict);
      EXPECT_NE(settle.err().message.find("already settled or refunded"), std::string::npos) << settle.err().message;
      auto partial = l.submit_one({"again-p-" + request, "m", make_partial_settle(miner, request, 5, 5, digest{})});
      ASSERT_FALSE(partial.ok());
      EXPECT_EQ(partial.err().code, error_code::conflict);
      auto refund = l.submit_one({"again-f-" + request, "m", refund_op{request, "again"}});
      ASSERT_FALSE(refund.ok());
      EXPECT_EQ(refund.err().code, error_code::conflict);
      auto closed = l.state().escrow_closed(request);
      ASSERT_TRUE(closed.ok());
      EXPECT_TRUE(*closed);
    }
    auto never = l.state().escrow_closed("never-escrowed");
    ASSERT_TRUE(never.ok());
    EXPECT_FALSE(*never);
    EXPECT_EQ(l.last_seq(), seq);
    EXPECT_EQ(l.state().accounts(), accounts);
    EXPECT_EQ(l.state().open_escrow_count(), 0u);
  }
  void expect_verified(std::int64_t escrowed_requests) {
    auto report = verify_ledger(path);
    ASSERT_TRUE(report.ok()) << report.err().message;
    EXPECT_EQ(report->escrowed_requests, escrowed_requests);
  }
  void run_sql(const std::string& sql) {
    auto db = sqlite_db::open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec(sql).ok());
  }

  testing::temp_dir dir{"request-index-test"};
  std::string path = dir.file("ledger.db");
  identity miner = key(1);
};

TEST_F(request_index_test, a_closed_request_cannot_be_escrowed_or_paid_again_before_and_after_a_reopen) {
  digest hash_before{};
  std::map<std::string, account, std::less<>> accounts_before;
  {
    ledger l = open_ledger();
    serve_two_requests(l);
    expect_closed_requests_refused(l);
    hash_before = l.last_hash();
    accounts_before = l.state().accounts();
  }
  ledger again = open_ledger();  // replays the entries: the r1 escrow at entry 2 is accepted again
  EXPECT_EQ(again.last_seq(), 5u);
  EXPECT_EQ(again.last_hash(), hash_before);
  EXPECT_EQ(again.state().accounts(), accounts_before);
  expect_closed_requests_refused(again);
  // A fresh request still opens; its original op id still answers the original outcome.
  EXPECT_TRUE(again.submit_one({"e3", "m", escrow_op{"r3", "dev", token, 1, 1}}).ok());
  auto retried = again.submit_one({"s1", "m", make_settle(miner, "r1", 50, 50, digest{})});
  ASSERT_TRUE(retried.ok()) << retried.err().message;
  EXPECT_TRUE(retried->replayed);
  expect_verified(3);
}

TEST_F(request_index_test, a_request_closed_earlier_in_the_same_batch_is_refused) {
  ledger l = open_ledger();
  ASSERT_TRUE(l.submit_one({"d", "m", deposit_op{"dev", 0, 10 * token}}).ok());
  std::vector<command> batch{{"e1", "m", escrow_op{"r1", "dev", token, 1, 1}},
                             {"f1", "m", refund_op{"r1", "failed"}},
                             {"e1-again", "m", escrow_op{"r1", "dev", token, 1, 1}}};
  auto acks = l.submit(batch);
  ASSERT_EQ(acks.size(), 3u);
  EXPECT_TRUE(acks[0].ok());
  EXPECT_TRUE(acks[1].ok());
  ASSERT_FALSE(acks[2].ok());
  EXPECT_EQ(acks[2].err().code, error_code::conflict);
  EXPECT_EQ(l.state().find("dev")->balance_micro, 10 * token);
  expect_verified(1);
}

TEST_F(request_index_test, a_ledger_written_before_the_index_has_it_filled_when_opened) {
  {
    ledger l = open_ledger();
    serve_two_requests(l);
  }
  // As a ledger of the previous schema is after the migration: the table is there, empty.
  run_sql("DELETE FROM escrow_requests; DELETE FROM meta WHERE key = 'escrow_requests_filled'");
  expect_verified(2);  // an index not filled yet is not compared
  ledger l = open_ledger();
  expect_closed_requests_refused(l);
  expect_verified(2);
}

// An index row no entry explains (a damaged or hand-edited ledger file) makes an escrow's index
// write fail after the state applied the escrow: the batch is aborted and the state rebuilt from
// the file, so the books in memory never hold what the file did not keep.
TEST_F(request_index_test, an_index_write_that_fails_after_the_state_applied_aborts_the_batch) {
  {
    ledger l = open_ledger();
    ASSERT_TRUE(l.submit_one({"d", "m", deposit_op{"dev", 0, 10 * token}}).ok());
  }
  run_sql("INSERT INTO escrow_requests VALUES('r9', 99)");
  ledger l = open_ledger();
  std::vector<command> batch{{"e9", "m", escrow_op{"r9", "dev", token, 1, 1}},
                             {"e8", "m", escrow_op{"r8", "dev", token, 1, 1}}};
  auto acks = l.submit(batch);
  ASSERT_EQ(acks.size(), 2u);
  ASSERT_FALSE(acks[0].ok());
  EXPECT_EQ(acks[0].err().code, error_code::io_error) << acks[0].err().message;
  EXPECT_NE(acks[0].err().message.find("escrow_requests"), std::string::npos) << acks[0].err().message;
  EXPECT_FALSE(acks[1].ok()) << "the batch went on after the state ran ahead of the file";
  EXPECT_EQ(l.last_seq(), 1u);
  EXPECT_EQ(l.state().find("dev")->balance_micro, 10 * token);
  EXPECT_EQ(l.state().find("dev")->escrowed_micro, 0);
  EXPECT_EQ(l.state().find_escrow("r9"), nullptr);
  // The next batch, without the damaged request, is served.
  EXPECT_TRUE(l.submit_one({"e8", "m", escrow_op{"r8", "dev", token, 1, 1}}).ok());
  EXPECT_EQ(l.state().find("dev")->escrowed_micro, token);
}

TEST_F(request_index_test, verify_reports_a_lost_index_row) {
  {
    ledger l = open_ledger();
    serve_two_requests(l);
  }
  run_sql("DELETE FROM escrow_requests WHERE request_id = 'r1'");
  auto report = verify_ledger(path);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.err().message.find("escrow_requests index has 1 rows, the entries escrow 2 requests"),
            std::string::npos)
      << report.err().message;
}

TEST(request_index_state, a_state_without_an_index_of_its_own_keeps_the_rule_in_memory) {
  ledger_state state(ledger_config{});
  ASSERT_TRUE(state.apply(deposit_op{"dev", 0, 10 * token}).ok());
  ASSERT_TRUE(state.apply(escrow_op{"r1", "dev", token, 1, 1}).ok());
  ASSERT_TRUE(state.apply(refund_op{"r1", "failed"}).ok());
  auto again = state.apply(escrow_op{"r1", "dev", token, 1, 1});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.err().code, error_code::conflict);
  EXPECT_EQ(state.applied(), 3u);
}

}  // namespace
}  // namespace infergrid::ledger

// The settlement actor over the real bus: a node hosting it by kind from YAML config, driven with
// node::call like any other actor would — payments, replays, double spends, signed verdicts sent
// directly (a bad signature gets an error_reply), stake queries and epoch roots.
#include "actors/settlement/settlement_actor.hpp"

#include <gtest/gtest.h>

#include "actors/gpu_worker/receipt_signing.hpp"
#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "actors/settlement/ledger/ledger_verify.hpp"
#include "actors/settlement/ledger/operation_codec.hpp"
#include "actors/settlement/ledger/signed_ops.hpp"
#include "actors/settlement/receipt_settlement.hpp"
#include "messages/account_history.hpp"
#include "runtime/node.hpp"
#include "tests/support/started_node.hpp"

namespace infergrid {
namespace {

using ledger::testing::key;
constexpr std::int64_t token = ledger::micro_per_token;
constexpr std::int64_t timeout_ms = 5000;

settle_receipt signed_receipt(const identity& miner, const std::string& request, std::int64_t prompt, std::int64_t completion) {
  const ledger::settle_op op = ledger::make_settle(miner, request, prompt, completion, digest{});
  return settle_receipt{"settle-" + request, request, op.receipt.miner, prompt, completion, op.receipt.receipt_digest,
                        op.miner_signature};
}

verdict_message signed_verdict(const identity& validator, const std::string& request, const std::string& miner, bool guilty) {
  const ledger::verdict_op op = ledger::make_verdict(validator, request, miner, guilty);
  return verdict_message{"", request, miner, op.body.validator, guilty, op.validator_signature};
}

completion_receipt worker_receipt(const identity& worker, const std::string& request, std::uint32_t prompt,
                                  std::uint32_t completion) {
  completion_receipt r;
  r.request_id = request;
  r.worker_id = to_hex(worker.public_id());
  r.model = "stories260k";
  r.prompt_token_count = prompt;
  r.completion_token_count = completion;
  r.price_prompt_micro = 1'000;  // its ask, per 1k tokens
  r.price_completion_micro = 4'000;
  r.finish_reason = "length";
  sign_receipt(r, worker);
  return r;
}

class settlement_actor_test : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string yaml = "node: {name: test}\n"
                             "limits: {drain_quiet_ms: 10}\n"
                             "actors:\n"
                             "  - name: settlement\n"
                             "    kind: settlement\n"
                             "    settings: {db: " + db + ", durable: false, conviction_quorum: 2, fee_bps: 0,\n"
                             "               miner_stake_min_micro: 100000000, validator_stake_min_micro: 10000000}\n";
    auto started = testing::start_node(yaml, "<settlement test>");
    ASSERT_TRUE(started.ok()) << started.err().message;
    grid = std::move(*started);
  }
  void TearDown() override {
    if (grid) grid->stop();
  }
  // A completion_receipt is answered (the matchmaker sends it again until it is): with what was
  // paid, or why not.
  result<settle_reply> forward(const completion_receipt& receipt) { return call<settle_reply>(receipt); }
  std::int64_t balance_of(const std::string& account) {
    auto b = call<balance_reply>(balance_query{account});
    return b.ok() ? b->balance_micro : -1;
  }
  template <class Reply, class T>
  result<Reply> call(const T& message) {
    return grid->call<Reply>("settlement", message, timeout_ms);
  }
  void fund(const std::string& account, std::uint8_t kind, std::int64_t amount, std::int64_t stake = 0) {
    ASSERT_TRUE((call<ledger_ack>(ledger_deposit{"dep-" + account, account, kind, amount})).ok());
    if (stake > 0) {
      ASSERT_TRUE((call<ledger_ack>(ledger_stake{"stake-" + account, account, stake})).ok());
    }
  }
  ledger::testing::temp_dir dir{"settlement-actor"};
  std::string db = dir.file("ledger.db");
  std::unique_ptr<node> grid;
  identity miner = key(7);
};

TEST_F(settlement_actor_test, escrow_settle_pays_the_miner_and_refunds_the_rest) {
  fund("dev", 0, 10 * token);
  fund(ledger::account_of(miner), 1, 200 * token, 150 * token);
  auto held = call<escrow_reply>(escrow_request{"esc-r1", "r1", "dev", 2 * token, 1'000, 4'000});
  ASSERT_TRUE(held.ok()) << held.err().message;
  EXPECT_EQ(held->held_micro, 2 * token);
  auto paid = call<settle_reply>(signed_receipt(miner, "r1", 500, 250));
  ASSERT_TRUE(paid.ok()) << paid.err().message;
  EXPECT_EQ(paid->miner_paid_micro, 1'500);  // (500*1000 + 250*4000) / 1000
  EXPECT_EQ(paid->refunded_micro, 2 * token - 1'500);
  auto balance = call<balance_reply>(balance_query{"dev"});
  ASSERT_TRUE(balance.ok());
  EXPECT_EQ(balance->balance_micro, 10 * token - 1'500);
  EXPECT_EQ(balance->escrowed_micro, 0);
}

TEST_F(settlement_actor_test, replayed_message_is_answered_again_and_double_settlement_refused) {
  fund("dev", 0, 10 * token);
  fund(ledger::account_of(miner), 1, token);
  ASSERT_TRUE((call<escrow_reply>(escrow_request{"esc-r1", "r1", "dev", token, 1'000, 1'000})).ok());
  const settle_receipt receipt = signed_receipt(miner, "r1", 100, 100);
  auto first = call<settle_reply>(receipt);
  ASSERT_TRUE(first.ok()) << first.err().message;
  auto again = call<settle_reply>(receipt);
  ASSERT_TRUE(again.ok()) << again.err().message;
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->seq, first->seq);
  settle_receipt second = receipt;
  second.op_id = "another-op";
  auto double_spend = call<settle_reply>(second);
  ASSERT_FALSE(double_spend.ok());
  EXPECT_EQ(double_spend.err().code, error_code::conflict);
  auto overdraw = call<escrow_reply>(escrow_request{"esc-r2", "r2", "dev", 100 * token, 1, 1});
  ASSERT_FALSE(overdraw.ok());
  EXPECT_EQ(overdraw.err().code, error_code::insufficient_funds);
  EXPECT_NE(overdraw.err().message.find("dev"), std::string::npos);
}

TEST_F(settlement_actor_test, signed_verdicts_convict_and_a_bad_signature_is_an_error_reply) {
  const std::string m = ledger::account_of(miner);
  fund(m, 1, 100 * token, 100 * token);
  const identity v1 = key(21), v2 = key(22);
  fund(ledger::account_of(v1), 2, 20 * token, 20 * token);
  fund(ledger::account_of(v2), 2, 20 * token, 20 * token);
  auto stake = call<stake_reply>(stake_query{m});
  ASSERT_TRUE(stake.ok());
  EXPECT_TRUE(stake->schedulable);

  verdict_message forged = signed_verdict(v1, "r9", m, true);
  forged.validator_signature[0] ^= 0xff;
  auto rejected = call<verdict_reply>(forged);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.err().code, error_code::bad_signature);

  auto first = call<verdict_reply>(signed_verdict(v1, "r9", m, true));
  ASSERT_TRUE(first.ok()) << first.err().message;
  EXPECT_FALSE(first->convicted);
  // The same verdict under an op id of the validator's choosing is the same operation: a verdict
  // counts once per request and validator, whatever op id its message names.
  verdict_message renamed = signed_verdict(v1, "r9", m, true);
  renamed.op_id = "fresh-op-id";
  auto again = call<verdict_reply>(renamed);
  ASSERT_TRUE(again.ok()) << again.err().message;
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->seq, first->seq);
  auto second = call<verdict_reply>(signed_verdict(v2, "r9", m, true));
  ASSERT_TRUE(second.ok()) << second.err().message;
  EXPECT_TRUE(second->convicted);
  EXPECT_TRUE(second->miner_unschedulable);
  EXPECT_EQ(second->slashed_micro, 10 * token);
  auto after = call<stake_reply>(stake_query{m});
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->schedulable);
  EXPECT_EQ(after->staked_micro, 90 * token);
}

// Innocent verdicts earn epoch rewards, so the actor takes them only on requests this ledger
// escrowed (open or settled): a validator cannot farm the pool with verdicts on made-up ids. A
// guilty verdict may name a request never escrowed (a canary).
TEST_F(settlement_actor_test, an_innocent_verdict_needs_a_request_this_ledger_escrowed) {
  const std::string m = ledger::account_of(miner);
  fund("dev", 0, 10 * token);
  fund(m, 1, 100 * token, 100 * token);
  const identity v = key(23);
  fund(ledger::account_of(v), 2, 20 * token, 20 * token);
  auto made_up = call<verdict_reply>(signed_verdict(v, "made-up", m, false));
  ASSERT_FALSE(made_up.ok());
  EXPECT_EQ(made_up.err().code, error_code::not_found);
  EXPECT_NE(made_up.err().message.find("never was"), std::string::npos) << made_up.err().message;
  ASSERT_TRUE((call<escrow_reply>(escrow_request{"esc-open", "open", "dev", token, 1'000, 1'000})).ok());
  auto on_open = call<verdict_reply>(signed_verdict(v, "open", m, false));
  EXPECT_TRUE(on_open.ok()) << on_open.err().message;
  ASSERT_TRUE((call<escrow_reply>(escrow_request{"esc-paid", "paid", "dev", token, 1'000, 1'000})).ok());
  ASSERT_TRUE((call<settle_reply>(signed_receipt(miner, "paid", 10, 10))).ok());
  auto on_paid = call<verdict_reply>(signed_verdict(v, "paid", m, false));
  EXPECT_TRUE(on_paid.ok()) << on_paid.err().message;
  auto canary = call<verdict_reply>(signed_verdict(v, "canary", m, true));
  EXPECT_TRUE(canary.ok()) << canary.err().message;
}

TEST_F(settlement_actor_test, epoch_close_answers_with_the_root_of_a_verifiable_chain) {
  fund("treasury", 3, 50 * token);
  fund(ledger::account_of(miner), 1, 200 * token, 150 * token);
  fund("dev", 0, 10 * token);  // a request it served for another account: its useful work this epoch
  ASSERT_TRUE((call<escrow_reply>(escrow_request{"esc-served", "served", "dev", token, 1'000, 1'000})).ok());
  ASSERT_TRUE((call<settle_reply>(signed_receipt(miner, "served", 10, 10))).ok());
  auto root = call<epoch_root>(epoch_close{"close-0", 0, 10 * token, {{ledger::account_of(miner), 100, 1'000'000, 1'000'000}}});
  ASSERT_TRUE(root.ok()) << root.err().message;
  EXPECT_EQ(root->epoch, 0);
  EXPECT_EQ(root->root_hash.size(), 32u);
  std::int64_t paid = 0;
  for (const auto& p : root->rewards) paid += p.account == ledger::account_of(miner) ? p.delta_micro : 0;
  EXPECT_EQ(paid, 10 * token);  // the only eligible miner gets the whole pool
  auto wrong_epoch = call<epoch_root>(epoch_close{"close-x", 5, 0, {}});
  ASSERT_FALSE(wrong_epoch.ok());
  EXPECT_EQ(wrong_epoch.err().code, error_code::conflict);
  // Demand-driven: the supply rule decides the pool; with no tokens settled this epoch it is 0.
  auto named_pool = call<epoch_root>(epoch_close{"close-1x", 1, token, {}, true, 5'000, 950'000});
  ASSERT_FALSE(named_pool.ok());
  EXPECT_EQ(named_pool.err().code, error_code::invalid_argument);
  auto driven = call<epoch_root>(epoch_close{"close-1", 1, 0, {{ledger::account_of(miner), 100, 1'000'000, 1'000'000}}, true,
                                             5'000, 950'000});
  ASSERT_TRUE(driven.ok()) << driven.err().message;
  std::int64_t driven_paid = 0;
  for (const auto& p : driven->rewards) driven_paid += p.account == ledger::account_of(miner) ? p.delta_micro : 0;
  EXPECT_EQ(driven_paid, 0) << "no tokens served: idle capacity earns no subsidy";
  grid->stop();
  auto report = ledger::verify_ledger(db);
  ASSERT_TRUE(report.ok()) << report.err().message;
  EXPECT_EQ(report->epochs_closed, 2);
}

// The closes this actor writes count the value payers paid each miner, not its tokens: a miner
// serving itself (its own account pays) or a second account of its at price 0 earns no share of
// the pool however many tokens it settles, and a demand-driven close over its work alone pays no
// pool; the miner a developer paid gets the whole pool. (Counting tokens, as closes written before
// did, paid the self-dealer nearly all of it.)
TEST_F(settlement_actor_test, epoch_rewards_pay_for_value_paid_by_others_not_for_self_dealt_tokens) {
  fund("treasury", 3, 50 * token);
  fund("dev", 0, 10 * token);
  fund("sock", 0, 10 * token);  // another account the self-dealer controls
  const identity self_dealer = key(8);
  const std::string dealer = ledger::account_of(self_dealer);
  fund(ledger::account_of(miner), 1, 200 * token, 150 * token);
  fund(dealer, 1, 200 * token, 150 * token);
  ASSERT_TRUE((call<escrow_reply>(escrow_request{"esc-self", "self", dealer, token, 1'000, 1'000})).ok());
  ASSERT_TRUE((call<settle_reply>(signed_receipt(self_dealer, "self", 100'000, 100'000))).ok());
  ASSERT_TRUE((call<escrow_reply>(escrow_request{"esc-free", "free", "sock", token, 0, 0})).ok());
  ASSERT_TRUE((call<settle_reply>(signed_receipt(self_dealer, "free", 100'000, 100'000))).ok());
  ASSERT_TRUE((call<escrow_reply>(escrow_request{"esc-paid", "paid", "dev", token, 1'000, 4'000})).ok());
  auto honest = call<settle_reply>(signed_receipt(miner, "paid", 500, 250));
  ASSERT_TRUE(honest.ok()) << honest.err().message;
  EXPECT_EQ(honest->miner_paid_micro, 1'500);
  const std::int64_t dealer_before = balance_of(dealer), miner_before = balance_of(ledger::account_of(miner));
  auto root = call<epoch_root>(epoch_close{"close-0", 0, 10 * token, {}});
  ASSERT_TRUE(root.ok()) << root.err().message;
  EXPECT_EQ(balance_of(dealer), dealer_before) << "400,000 self-dealt tokens earn nothing";
  EXPECT_EQ(balance_of(ledger::account_of(miner)) - miner_before, 10 * token) << "the paid miner gets the whole pool";
  // Demand-driven, with only self-dealt work this epoch: the supply rule's pool from value paid is 0.
  ASSERT_TRUE((call<escrow_reply>(escrow_request{"esc-self2", "self2", dealer, token, 1'000, 1'000})).ok());
  ASSERT_TRUE((call<settle_reply>(signed_receipt(self_dealer, "self2", 100'000, 100'000))).ok());
  const std::int64_t treasury_before = balance_of("treasury");
  auto driven = call<epoch_root>(epoch_close{"close-1", 1, 0, {}, true, 5'000, 950'000});
  ASSERT_TRUE(driven.ok()) << driven.err().message;
  EXPECT_EQ(balance_of(dealer), dealer_before) << "no pool grows from work nobody else paid for";
  EXPECT_EQ(balance_of("treasury"), treasury_before);
  grid->stop();
  auto report = ledger::verify_ledger(db);
  ASSERT_TRUE(report.ok()) << report.err().message;
  EXPECT_EQ(report->epochs_closed, 2);
}

TEST_F(settlement_actor_test, a_worker_receipt_settles_its_escrow_once_and_opens_the_miner_account) {
  fund("dev", 0, 10 * token);
  // The payer's caps are twice the worker's ask: the ask is what is paid.
  ASSERT_TRUE((call<escrow_reply>(escrow_request{"escrow/r1", "r1", "dev", token, 2'000, 8'000})).ok());
  const identity worker = key(31);  // no ledger account yet: its first payment opens one
  const completion_receipt receipt = worker_receipt(worker, "r1", 500, 250);
  auto paid = forward(receipt);
  ASSERT_TRUE(paid.ok()) << paid.err().message;
  EXPECT_EQ(paid->miner_paid_micro, 1'500);
  EXPECT_FALSE(paid->replayed);
  auto replayed = forward(receipt);  // replayed: same op id, same content -> no second entry
  ASSERT_TRUE(replayed.ok()) << replayed.err().message;
  EXPECT_TRUE(replayed->replayed);
  EXPECT_EQ(balance_of("dev"), 10 * token - 1'500);  // (500*1000 + 250*4000) / 1000
  EXPECT_EQ(balance_of(ledger::account_of(worker)), 1'500);  // fee_bps 0 in this grid
  auto escrowed = call<balance_reply>(balance_query{"dev"});
  ASSERT_TRUE(escrowed.ok());
  EXPECT_EQ(escrowed->escrowed_micro, 0);
  auto again = call<settle_reply>(to_settle_receipt(receipt));  // the op the actor derived
  ASSERT_TRUE(again.ok()) << again.err().message;
  EXPECT_TRUE(again->replayed);
  // Another worker's receipt for the same request (a failover) is refused, not paid twice.
  auto second = forward(worker_receipt(key(32), "r1", 500, 100));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.err().code, error_code::conflict) << second.err().message;
  EXPECT_EQ(balance_of(ledger::account_of(key(32))), -1);
  EXPECT_EQ(balance_of("dev"), 10 * token - 1'500);
  grid->stop();
  auto report = ledger::verify_ledger(db);
  ASSERT_TRUE(report.ok()) << report.err().message;
  EXPECT_EQ(report->entries, 3u);  // deposit, escrow, one settlement
}

TEST_F(settlement_actor_test, a_tampered_receipt_or_one_without_escrow_pays_nothing) {
  fund("dev", 0, 10 * token);
  ASSERT_TRUE((call<escrow_reply>(escrow_request{"escrow/r2", "r2", "dev", token, 1'000, 4'000})).ok());
  completion_receipt inflated = worker_receipt(key(33), "r2", 500, 250);
  inflated.completion_token_count = 100'000;  // more than it signed
  auto refused = forward(inflated);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.err().code, error_code::bad_signature) << refused.err().message;
  auto unbilled = forward(worker_receipt(key(33), "never-escrowed", 5, 5));
  ASSERT_FALSE(unbilled.ok());
  EXPECT_EQ(unbilled.err().code, error_code::not_found) << unbilled.err().message;
  EXPECT_EQ(balance_of(ledger::account_of(key(33))), -1);
  EXPECT_EQ(balance_of("dev"), 9 * token);  // still held
  EXPECT_EQ(receipt_op_id(inflated).rfind("receipt/r2/", 0), 0u);
  EXPECT_LE(receipt_op_id(worker_receipt(key(33), std::string(128, 'x'), 1, 1)).size(), ledger::op_id_bytes_max);
}

TEST_F(settlement_actor_test, account_history_lists_an_accounts_entries_with_only_its_postings) {
  fund("dev", 0, 10 * token);
  const std::string account = ledger::account_of(miner);
  fund(account, 1, 200 * token, 150 * token);
  ASSERT_TRUE((call<escrow_reply>(escrow_request{"esc-r1", "r1", "dev", 2 * token, 1'000, 4'000})).ok());
  ASSERT_TRUE((call<settle_reply>(signed_receipt(miner, "r1", 500, 250))).ok());
  auto history = call<entries_reply>(account_history_query{account, 10});
  ASSERT_TRUE(history.ok()) << history.err().message;
  ASSERT_EQ(history->entries.size(), 3u);  // newest first: settle, stake, deposit
  EXPECT_EQ(history->entries[0].operation, "settle");
  EXPECT_EQ(history->entries[1].operation, "stake");
  EXPECT_EQ(history->entries[2].operation, "deposit");
  ASSERT_EQ(history->entries[0].postings.size(), 1u);  // the payer's escrow posting is not the miner's business
  EXPECT_EQ(history->entries[0].postings[0].account, account);
  EXPECT_EQ(history->entries[0].postings[0].delta_micro, 1'500);
  auto newest = call<entries_reply>(account_history_query{account, 1});
  ASSERT_TRUE(newest.ok());
  EXPECT_EQ(newest->entries.size(), 1u);
  auto too_many = call<entries_reply>(account_history_query{account, account_history_entries_max + 1});
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.err().code, error_code::invalid_argument);
}

TEST_F(settlement_actor_test, unknown_account_query_is_not_found) {
  auto missing = call<balance_reply>(balance_query{"nobody"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.err().code, error_code::not_found);
}

TEST(settlement_messages, every_ledger_message_round_trips) {
  for (const message_info* info : registered_messages()) {
    const auto tag = static_cast<std::uint16_t>(info->type);
    if (tag < 400 || tag > 499) continue;
    EXPECT_TRUE(info->round_trip().ok()) << info->name;
  }
  EXPECT_TRUE(message_registry_conflicts().empty());
}

std::vector<std::uint8_t> settle_receipt_body(std::uint32_t fields) {
  std::vector<std::uint8_t> body;
  byte_writer writer{body};
  msgpack::packer<byte_writer> packer(writer);
  packer.pack_array(fields);
  packer.pack(std::string("op")).pack(std::string("r1")).pack(std::string("m")).pack(10).pack(20);
  packer.pack(std::vector<std::uint8_t>(32, 1)).pack(std::vector<std::uint8_t>(64, 2));
  if (fields >= 8) packer.pack(true);  // partial
  if (fields >= 9) packer.pack(job_price{100, 200});  // ask
  if (fields >= 10) packer.pack(std::uint32_t{17});    // first_index
  if (fields >= 11) packer.pack(std::string("future field"));
  return body;
}

TEST(settlement_messages, a_newer_settle_receipt_with_an_appended_field_still_decodes) {
  // Schemas evolve append-only: an old reader must accept a body with one more trailing field.
  auto decoded = decode_body<settle_receipt>(settle_receipt_body(11));
  ASSERT_TRUE(decoded.ok()) << decoded.err().message;
  EXPECT_EQ(decoded->completion_tokens, 20);
  EXPECT_EQ(decoded->miner_signature.size(), 64u);
  EXPECT_TRUE(decoded->partial);
  EXPECT_EQ(decoded->ask, (job_price{100, 200}));
  EXPECT_EQ(decoded->first_index, 17u);
  // One from before `first_index` was appended claims unknown positions (its miner paid once).
  auto unplaced = decode_body<settle_receipt>(settle_receipt_body(9));
  ASSERT_TRUE(unplaced.ok()) << unplaced.err().message;
  EXPECT_FALSE(unplaced->first_index.has_value());
  // One from before `ask` was appended has none: the ledger pays it at the escrow's prices.
  auto unpriced = decode_body<settle_receipt>(settle_receipt_body(8));
  ASSERT_TRUE(unpriced.ok()) << unpriced.err().message;
  EXPECT_FALSE(unpriced->ask.has_value());
  // One from before `partial` was appended settles the escrow, as it did.
  auto older = decode_body<settle_receipt>(settle_receipt_body(7));
  ASSERT_TRUE(older.ok()) << older.err().message;
  EXPECT_FALSE(older->partial);
  EXPECT_TRUE(std::holds_alternative<ledger::settle_op>(to_operation(*older)));
  EXPECT_TRUE(std::holds_alternative<ledger::partial_settle_op>(to_operation(*decoded)));
}

}  // namespace
}  // namespace infergrid

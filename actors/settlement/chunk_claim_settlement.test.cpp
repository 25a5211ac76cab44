// A worker's signed chunk claims (actors/gpu_worker/chunk_claim.hpp) through the settlement actor:
// the partial settle_receipt built from a chunk pays the worker for exactly the tokens it claimed
// and keeps the escrow open; the same claim sent again (by the matchmaker and the bridge) is one
// payment; the finishing worker's receipt then pays its own tokens and returns the rest; a claim
// whose count was changed after signing pays nothing.
#include <gtest/gtest.h>

#include "actors/gpu_worker/chunk_claim.hpp"
#include "actors/gpu_worker/receipt_signing.hpp"
#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "actors/settlement/ledger/signed_ops.hpp"
#include "runtime/config.hpp"
#include "runtime/node.hpp"
#include "tests/support/started_node.hpp"

namespace infergrid {
namespace {

constexpr std::int64_t token = ledger::micro_per_token;
constexpr std::int64_t timeout_ms = 5000;

// What a worker sends after streaming `tokens` (its running claim covers every token it sent).
token_chunk signed_chunk(const identity& worker, const std::string& request, std::uint32_t prompt,
                         const std::vector<std::int32_t>& tokens) {
  token_chunk chunk;
  chunk.request_id = request;
  chunk.worker_id = to_hex(worker.public_id());
  chunk.prompt_token_count = prompt;
  chunk.tokens = tokens;
  const digest chained = next_chunk_claim_digest(first_chunk_claim_digest(request, 0), tokens, {});
  chunk.claim_digest.assign(chained.begin(), chained.end());
  chunk.claim_completion_tokens = static_cast<std::uint32_t>(tokens.size());
  sign_chunk_claim(chunk, worker);
  return chunk;
}

template <class Reply, class T>
result<Reply> ask(node& grid, const T& message) {
  return grid.call<Reply>("settlement", message, timeout_ms);
}

TEST(chunk_claim_settlement, a_failed_over_worker_is_paid_its_claim_and_the_finisher_the_rest) {
  ledger::testing::temp_dir dir{"chunk-claims"};
  auto started = testing::start_node("node: {name: test}\nlimits: {drain_quiet_ms: 10}\nactors:\n"
                                     "  - {name: settlement, kind: settlement, settings: {db: " + dir.file("ledger.db") +
                                         ", durable: false, fee_bps: 0}}\n",
                                     "<chunk claim test>");
  ASSERT_TRUE(started.ok()) << started.err().message;
  auto grid = std::move(*started);
  ASSERT_TRUE(ask<ledger_ack>(*grid, ledger_deposit{"dep", "dev", 0, 10 * token}).ok());
  // 1 micro per prompt token, 1,000 per completion token.
  ASSERT_TRUE(ask<escrow_reply>(*grid, escrow_request{"esc", "r1", "dev", token, 1'000, 1'000'000}).ok());

  const identity first = ledger::testing::key(1);
  const identity second = ledger::testing::key(2);
  const token_chunk streamed = signed_chunk(first, "r1", 7, {11, 12, 13});
  ASSERT_TRUE(has_chunk_claim(streamed));
  const settle_receipt claim = partial_settlement_of(streamed);
  EXPECT_TRUE(claim.partial);
  auto paid = ask<settle_reply>(*grid, claim);
  ASSERT_TRUE(paid.ok()) << paid.err().message;
  EXPECT_EQ(paid->miner_paid_micro, 7 + 3'000);
  EXPECT_EQ(paid->refunded_micro, 0);  // the escrow stays open
  auto again = ask<settle_reply>(*grid, claim);
  ASSERT_TRUE(again.ok()) << again.err().message;
  EXPECT_TRUE(again->replayed);

  settle_receipt forged = partial_settlement_of(signed_chunk(second, "r1", 7, {14}));
  forged.completion_tokens = 400;  // signed for 1
  auto refused = ask<settle_reply>(*grid, forged);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.err().code, error_code::bad_signature);

  // The second worker finishes with 5 more tokens; its prompt prefill is not charged again.
  const ledger::settle_op final_op = ledger::make_settle(second, "r1", 7, 5, digest{});
  const settle_receipt finished{"final", "r1", final_op.receipt.miner, 7, 5, final_op.receipt.receipt_digest,
                                 final_op.miner_signature};
  auto settled = ask<settle_reply>(*grid, finished);
  ASSERT_TRUE(settled.ok()) << settled.err().message;
  EXPECT_EQ(settled->miner_paid_micro, 5'000);
  EXPECT_EQ(settled->refunded_micro, token - 7 - 8'000);
  auto payer = ask<balance_reply>(*grid, balance_query{"dev"});
  ASSERT_TRUE(payer.ok());
  EXPECT_EQ(payer->balance_micro, 10 * token - 7 - 8'000);
  EXPECT_EQ(payer->escrowed_micro, 0);
  grid->stop();
}

}  // namespace
}  // namespace infergrid

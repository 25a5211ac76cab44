#include "actors/settlement/ledger/ledger_state.hpp"

#include <array>

#include <gtest/gtest.h>

#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "actors/settlement/ledger/signed_ops.hpp"

namespace infergrid::ledger {
namespace {

using testing::key;

constexpr micro_units token = micro_per_token;

class state_test : public ::testing::Test {
 protected:
  state_test() : state(make_config()) {}
  static ledger_config make_config() {
    ledger_config c;
    c.miner_stake_min_micro = 100 * token;
    c.validator_stake_min_micro = 50 * token;
    c.fee_bps = 100;
    c.conviction_quorum = 2;
    c.slash_bps = 1'000;
    c.slash_reporter_bps = 5'000;
    c.unbonding_epochs = 2;
    return c;
  }
  void ok(const operation& op) {
    auto out = state.apply(op);
    ASSERT_TRUE(out.ok()) << out.err().message;
    ASSERT_TRUE(state.check_invariants().ok()) << state.check_invariants().err().message;
  }
  micro_units balance(const std::string& id) const { return state.find(id) ? state.find(id)->balance_micro : 0; }
  void add_miner(const identity& m, micro_units stake) {
    ok(deposit_op{account_of(m), static_cast<std::uint8_t>(account_kind::miner), stake});
    ok(stake_op{account_of(m), stake});
  }
  void add_validator(const identity& v) {
    ok(deposit_op{account_of(v), static_cast<std::uint8_t>(account_kind::validator), 60 * token});
    ok(stake_op{account_of(v), 60 * token});
  }
  // Validators key(11), key(12), key(13), staked to vote.
  std::array<identity, 3> add_three_validators() {
    const std::array<identity, 3> validators{key(11), key(12), key(13)};
    for (const identity& v : validators) add_validator(v);
    return validators;
  }
  ledger_state state;
  identity miner = key(1);
  std::string dev = "dev-alice";
};

TEST_F(state_test, settle_pays_tokens_times_price_fee_to_treasury_rest_refunded) {
  add_miner(miner, 100 * token);
  ok(deposit_op{dev, 0, 10 * token});
  // 1,000 micro per 1k prompt tokens, 3,000 per 1k completion tokens.
  ok(escrow_op{"req-1", dev, 5 * token, 1'000, 3'000});
  EXPECT_EQ(state.find(dev)->escrowed_micro, 5 * token);
  // cost = floor((1500*1000 + 333*3000) / 1000) = floor(2,499,000 / 1000) = 2,499 micro
  ok(make_settle(miner, "req-1", 1'500, 333, digest{}));
  const micro_units cost = 2'499;
  const micro_units fee = cost * 100 / 10'000;  // 24
  EXPECT_EQ(balance(account_of(miner)), cost - fee);
  EXPECT_EQ(balance("treasury"), fee);
  EXPECT_EQ(balance(dev), 10 * token - cost);
  EXPECT_EQ(state.find(dev)->escrowed_micro, 0);
}

TEST_F(state_test, double_settlement_and_double_escrow_are_rejected) {
  add_miner(miner, 100 * token);
  ok(deposit_op{dev, 0, 10 * token});
  ok(escrow_op{"req-1", dev, token, 1'000, 1'000});
  ok(make_settle(miner, "req-1", 10, 10, digest{}));
  auto again = state.apply(make_settle(miner, "req-1", 10, 10, digest{}));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.err().code, error_code::conflict);
  EXPECT_EQ(state.apply(refund_op{"req-1", "late"}).err().code, error_code::conflict);
  EXPECT_EQ(state.apply(escrow_op{"req-1", dev, token, 1'000, 1'000}).err().code, error_code::conflict);
}

TEST_F(state_test, escrow_beyond_balance_is_insufficient_funds_and_changes_nothing) {
  ok(deposit_op{dev, 0, token});
  auto out = state.apply(escrow_op{"req-1", dev, 2 * token, 1, 1});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.err().code, error_code::insufficient_funds);
  EXPECT_NE(out.err().message.find(dev), std::string::npos);
  EXPECT_EQ(balance(dev), token);
  EXPECT_EQ(state.open_escrow_count(), 0u);
}

TEST_F(state_test, receipt_with_a_forged_signature_is_rejected) {
  add_miner(miner, 100 * token);
  ok(deposit_op{dev, 0, token});
  ok(escrow_op{"req-1", dev, token, 1'000, 1'000});
  settle_op forged = make_settle(key(9), "req-1", 10, 10, digest{});
  forged.receipt.miner = account_of(miner);  // claims to be the miner, signed by someone else
  EXPECT_EQ(state.apply(forged).err().code, error_code::bad_signature);
  settle_op inflated = make_settle(miner, "req-1", 10, 10, digest{});
  inflated.receipt.completion_tokens = 1'000'000;  // tampered after signing
  EXPECT_EQ(state.apply(inflated).err().code, error_code::bad_signature);
}

TEST_F(state_test, refund_returns_the_whole_escrow) {
  ok(deposit_op{dev, 0, 3 * token});
  ok(escrow_op{"req-1", dev, 2 * token, 1, 1});
  ok(refund_op{"req-1", "worker failed"});
  EXPECT_EQ(balance(dev), 3 * token);
}

TEST_F(state_test, unbonded_stake_is_locked_until_the_unbonding_period_passes) {
  add_miner(miner, 150 * token);
  const std::string m = account_of(miner);
  ok(unbond_op{m, 60 * token});
  EXPECT_FALSE(state.schedulable(m));  // 90 staked < 100 minimum
  EXPECT_EQ(state.apply(withdraw_unbonded_op{m}).err().code, error_code::conflict);
  ok(mint_op{"treasury", token});
  ok(epoch_close_op{0, 0, {}});
  EXPECT_EQ(state.apply(withdraw_unbonded_op{m}).err().code, error_code::conflict);
  ok(epoch_close_op{1, 0, {}});
  ok(withdraw_unbonded_op{m});
  EXPECT_EQ(balance(m), 60 * token);
  EXPECT_EQ(state.find(m)->unbonding_micro, 0);
}

// What the vault paid out of a stake's unbonding leaves the ledger in that exact amount, oldest
// unbonding first, whatever unbonding_epochs says; more than is unbonding is refused, nothing moved.
TEST_F(state_test, unbonding_paid_takes_an_exact_amount_oldest_first_and_leaves_the_supply) {
  add_miner(miner, 150 * token);
  const std::string m = account_of(miner);
  ok(unbond_op{m, 60 * token});
  ok(unbond_op{m, 50 * token});
  const micro_units supply = state.supply_micro();
  EXPECT_EQ(state.apply(unbonding_paid_op{m, 111 * token}).err().code, error_code::conflict);
  EXPECT_EQ(state.find(m)->unbonding_micro, 110 * token);
  ok(unbonding_paid_op{m, 70 * token});  // the first 60 and 10 of the next
  EXPECT_EQ(state.find(m)->unbonding_micro, 40 * token);
  EXPECT_EQ(state.find(m)->staked_micro, 40 * token);
  EXPECT_EQ(balance(m), 0);
  EXPECT_EQ(state.supply_micro(), supply - 70 * token);
  ok(unbonding_paid_op{m, 40 * token});
  EXPECT_EQ(state.find(m)->unbonding_micro, 0);
  EXPECT_EQ(state.apply(withdraw_unbonded_op{m}).err().code, error_code::conflict);  // nothing left to free
  EXPECT_EQ(state.apply(unbonding_paid_op{m, 0}).err().code, error_code::invalid_argument);
}

TEST_F(state_test, quorum_of_signed_guilty_verdicts_slashes_once) {
  add_miner(miner, 100 * token);
  const std::string m = account_of(miner);
  const auto [v1, v2, v3] = add_three_validators();
  ok(make_verdict(v1, "req-9", m, true));
  EXPECT_EQ(state.find(m)->staked_micro, 100 * token);
  EXPECT_EQ(state.apply(make_verdict(v1, "req-9", m, true)).err().code, error_code::conflict);  // same validator twice
  auto convicting = state.apply(make_verdict(v2, "req-9", m, true));
  ASSERT_TRUE(convicting.ok());
  EXPECT_TRUE(convicting->convicted);
  EXPECT_TRUE(convicting->miner_unschedulable);  // 90 < 100
  EXPECT_EQ(state.find(m)->staked_micro, 90 * token);
  EXPECT_EQ(balance(account_of(v1)), 5 * token / 2);
  EXPECT_EQ(balance(account_of(v2)), 5 * token / 2);
  EXPECT_EQ(balance("treasury"), 5 * token);
  auto third = state.apply(make_verdict(v3, "req-9", m, true));
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE(third->convicted);
  EXPECT_EQ(state.find(m)->staked_micro, 90 * token);
  EXPECT_FALSE(state.schedulable(m));
  ASSERT_TRUE(state.check_invariants().ok());
}

// A validator that names another miner of the request first (say, to shield the cheater) judges
// another receipt: the honest verdicts on the cheater's receipt still convict it.
TEST_F(state_test, a_verdict_naming_another_miner_cannot_block_the_conviction) {
  add_miner(miner, 100 * token);
  const identity other_miner = key(30);
  add_miner(other_miner, 100 * token);
  const std::string m = account_of(miner);
  const auto [v1, v2, v3] = add_three_validators();
  ok(make_verdict(v1, "req-5", account_of(other_miner), false));
  ok(make_verdict(v2, "req-5", m, true));
  auto convicting = state.apply(make_verdict(v3, "req-5", m, true));
  ASSERT_TRUE(convicting.ok()) << convicting.err().message;
  EXPECT_TRUE(convicting->convicted);
  EXPECT_EQ(state.find(m)->staked_micro, 90 * token);
  EXPECT_EQ(state.find(account_of(other_miner))->staked_micro, 100 * token);
  ASSERT_TRUE(state.check_invariants().ok());
}

TEST_F(state_test, verdict_needs_validator_stake_and_a_valid_signature) {
  add_miner(miner, 100 * token);
  const identity v = key(20);
  ok(deposit_op{account_of(v), static_cast<std::uint8_t>(account_kind::validator), 10 * token});
  ok(stake_op{account_of(v), 10 * token});
  EXPECT_EQ(state.apply(make_verdict(v, "r", account_of(miner), true)).err().code, error_code::insufficient_funds);
  ok(deposit_op{account_of(v), 0, 50 * token});
  ok(stake_op{account_of(v), 50 * token});
  verdict_op bad = make_verdict(v, "r", account_of(miner), true);
  bad.body.guilty = false;
  EXPECT_EQ(state.apply(bad).err().code, error_code::bad_signature);
}

TEST_F(state_test, slash_reaches_unbonding_stake) {
  add_miner(miner, 100 * token);
  const std::string m = account_of(miner);
  ok(unbond_op{m, 100 * token});
  const identity v1 = key(11), v2 = key(12);
  add_validator(v1);
  add_validator(v2);
  ok(make_verdict(v1, "r", m, true));
  ok(make_verdict(v2, "r", m, true));
  EXPECT_EQ(state.find(m)->unbonding_micro, 90 * token);
}

TEST_F(state_test, a_slash_the_vault_executed_first_is_booked_as_it_says_and_never_twice) {
  add_miner(miner, 100 * token);
  const std::string m = account_of(miner);
  ok(unbond_op{m, 20 * token});
  ok(unbond_op{m, 10 * token});  // 70 staked; unbondings of 20 then 10
  const identity v1 = key(11), v2 = key(12);
  add_validator(v1);
  add_validator(v2);
  const std::vector<std::string> voters{account_of(v1), account_of(v2)};
  const micro_units before = state.supply_micro();
  // Refused: shares that do not add up, more than is bonded, a voter twice, an account that is no miner.
  EXPECT_EQ(state.apply(chain_slash_op{"req-7", m, 10 * token, voters, 3 * token, 3 * token}).err().code,
            error_code::invalid_argument);
  EXPECT_EQ(state.apply(chain_slash_op{"req-7", m, 101 * token, voters, 25 * token, 51 * token}).err().code,
            error_code::conflict);
  EXPECT_EQ(state.apply(chain_slash_op{"req-7", m, 2 * token, {voters[0], voters[0]}, token, 0}).err().code,
            error_code::invalid_argument);
  EXPECT_EQ(state.apply(chain_slash_op{"req-7", voters[0], 2 * token, {voters[1]}, token, token}).err().code,
            error_code::invalid_argument);
  // The vault's split: 75 forfeited (70 staked, then 5 of the newest unbonding), 20 to each voter, 35 to the treasury.
  auto slashed = state.apply(chain_slash_op{"req-7", m, 75 * token, voters, 20 * token, 35 * token});
  ASSERT_TRUE(slashed.ok()) << slashed.err().message;
  EXPECT_TRUE(slashed->convicted);
  EXPECT_TRUE(slashed->miner_unschedulable);
  EXPECT_EQ(state.find(m)->staked_micro, 0);
  EXPECT_EQ(state.find(m)->unbonding_micro, 25 * token);
  EXPECT_EQ(balance(voters[0]), 20 * token);
  EXPECT_EQ(balance(voters[1]), 20 * token);
  EXPECT_EQ(balance("treasury"), 35 * token);
  EXPECT_EQ(state.supply_micro(), before);
  ASSERT_TRUE(state.check_invariants().ok()) << state.check_invariants().err().message;
  // The validators' own quorum on the same request later convicts without a second slash.
  ok(make_verdict(v1, "req-7", m, true));
  auto second = state.apply(make_verdict(v2, "req-7", m, true));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->convicted);
  EXPECT_TRUE(second->postings.empty());
  EXPECT_EQ(state.find(m)->unbonding_micro, 25 * token);
  // And the vault's slash of a request convicted here is refused: the ledger's slash is its twin.
  EXPECT_EQ(state.apply(chain_slash_op{"req-7", m, 2 * token, voters, token, 0}).err().code, error_code::conflict);
  // A conviction only the chain saw (no request id) is booked each time it comes with its own op id.
  ok(chain_slash_op{"", m, 2 * token, voters, token, 0});
  EXPECT_EQ(state.find(m)->unbonding_micro, 23 * token);
}

// Stakes in custody on a chain: the quorum convicts, the vault's Slashed event books the forfeit.
TEST_F(state_test, with_slashes_on_chain_a_conviction_forfeits_what_the_vault_took_once) {
  ledger_config c = make_config();
  c.slashes_on_chain = true;
  state = ledger_state(c);
  add_miner(miner, 100 * token);
  const std::string m = account_of(miner);
  ok(unbond_op{m, 40 * token});  // 60 staked, 40 unbonding
  const identity v1 = key(11), v2 = key(12);
  add_validator(v1);
  add_validator(v2);
  const std::vector<std::string> voters{account_of(v1), account_of(v2)};
  ok(make_verdict(v1, "req-1", m, true));
  auto convicted = state.apply(make_verdict(v2, "req-1", m, true));
  ASSERT_TRUE(convicted.ok()) << convicted.err().message;
  EXPECT_TRUE(convicted->convicted);
  EXPECT_TRUE(convicted->postings.empty());  // nothing forfeited yet
  EXPECT_TRUE(convicted->miner_unschedulable);  // 60 staked, under the minimum of 100
  ASSERT_NE(state.awaiting_chain_slash("req-1", m), nullptr);
  EXPECT_EQ(state.awaiting_chain_slash("req-1", m)->miner, m);
  EXPECT_EQ(state.awaiting_chain_slash("req-1", m)->voters, voters);

  // The miner takes its matured unbonding out on the vault before the slash executes.
  ok(unbonding_paid_op{m, 40 * token});
  // The vault's slash of another miner on this request is that miner's receipt: booked as it says,
  // and this conviction still awaits its own.
  const identity other_miner = key(31);
  add_miner(other_miner, 100 * token);
  ok(chain_slash_op{"req-1", account_of(other_miner), 10 * token, voters, 2'500'000, 5 * token});
  EXPECT_EQ(state.find(account_of(other_miner))->staked_micro, 90 * token);
  ASSERT_NE(state.awaiting_chain_slash("req-1", m), nullptr);
  // The vault took 10 % of the 60 still bonded: 6, 1.5 to each voter, 3 to the treasury.
  auto slashed = state.apply(chain_slash_op{"req-1", m, 6 * token, voters, 1'500'000, 3 * token});
  ASSERT_TRUE(slashed.ok()) << slashed.err().message;
  EXPECT_EQ(state.find(m)->staked_micro, 54 * token);
  EXPECT_EQ(state.find(m)->unbonding_micro, 0);
  EXPECT_EQ(balance(voters[0]), 2'500'000 + 1'500'000);
  EXPECT_EQ(balance("treasury"), 5 * token + 3 * token);
  EXPECT_EQ(state.awaiting_chain_slash("req-1", m), nullptr);
  ASSERT_TRUE(state.check_invariants().ok()) << state.check_invariants().err().message;
  // Booked once: a second Slashed on the request is refused.
  EXPECT_EQ(state.apply(chain_slash_op{"req-1", m, 6 * token, voters, 1'500'000, 3 * token}).err().code, error_code::conflict);

  // A miner with nothing bonded on the vault forfeits nothing: that settles the conviction too, and
  // a forfeit of nothing is refused for anything this ledger did not convict.
  ok(make_verdict(v1, "req-2", m, true));
  ok(make_verdict(v2, "req-2", m, true));
  EXPECT_EQ(state.apply(chain_slash_op{"req-3", m, 0, voters, 0, 0}).err().code, error_code::invalid_argument);
  ok(chain_slash_op{"req-2", m, 0, voters, 0, 0});
  EXPECT_EQ(state.awaiting_chain_slash("req-2", m), nullptr);
  EXPECT_EQ(state.find(m)->staked_micro, 54 * token);
}

TEST_F(state_test, epoch_rewards_pay_exactly_the_pool_weighted_by_score) {
  ledger_config c = make_config();
  c.early_participant_epochs = 0;  // no multiplier here
  state = ledger_state(c);
  const identity fast = key(1), slow = key(2), unstaked = key(3), v1 = key(11), v2 = key(12);
  add_miner(fast, 100 * token);
  add_miner(slow, 100 * token);
  ok(deposit_op{account_of(unstaked), static_cast<std::uint8_t>(account_kind::miner), token});
  add_validator(v1);
  add_validator(v2);
  ok(deposit_op{dev, 0, 100 * token});
  ok(escrow_op{"a", dev, token, 1'000, 1'000});
  ok(make_settle(fast, "a", 300, 300, digest{}));
  ok(escrow_op{"b", dev, token, 1'000, 1'000});
  ok(make_settle(slow, "b", 100, 100, digest{}));
  ok(make_verdict(v1, "b", account_of(slow), false));
  ok(mint_op{"treasury", 1'000 * token});
  const micro_units treasury_before = balance("treasury");
  const micro_units pool = 7 * token + 3;  // odd on purpose: the remainder must stay in the treasury
  std::vector<miner_metrics> metrics{{account_of(fast), 100, 990'000, 1'000'000},
                                     {account_of(slow), 400, 500'000, 800'000},
                                     {account_of(unstaked), 50, 1'000'000, 1'000'000}};
  auto out = state.apply(epoch_close_op{0, pool, metrics});
  ASSERT_TRUE(out.ok()) << out.err().message;
  micro_units paid = 0;
  for (const posting& p : out->postings) {
    if (p.account != "treasury") paid += p.delta_micro;
  }
  EXPECT_EQ(balance("treasury"), treasury_before - paid);
  EXPECT_LE(paid, pool);
  EXPECT_GT(paid, pool - 10);  // rounding loses at most a few micro-units to the treasury
  EXPECT_EQ(balance(account_of(v1)), c.validator_reward_per_verdict_micro);  // innocent verdict, not convicted: correct
  EXPECT_EQ(balance(account_of(unstaked)), token);  // not schedulable: no reward
  const micro_units fast_reward = balance(account_of(fast)) - 594;  // minus its settlement income
  const micro_units slow_reward = balance(account_of(slow)) - 198;
  EXPECT_GT(fast_reward, 2 * slow_reward);
  EXPECT_EQ(state.epoch(), 1);
  ASSERT_TRUE(state.check_invariants().ok());
}

TEST_F(state_test, early_participants_get_the_multiplier) {
  const identity early = key(1), late = key(2);
  add_miner(early, 100 * token);
  ok(mint_op{"treasury", 1'000 * token});
  for (std::int64_t e = 0; e < state.config().early_participant_epochs; ++e) ok(epoch_close_op{e, 0, {}});
  add_miner(late, 100 * token);
  const micro_units early_before = balance(account_of(early));
  const micro_units late_before = balance(account_of(late));
  std::vector<miner_metrics> same{{account_of(early), 100, 1'000'000, 1'000'000}, {account_of(late), 100, 1'000'000, 1'000'000}};
  ok(epoch_close_op{state.epoch(), 250 * token, same});
  EXPECT_EQ(balance(account_of(early)) - early_before, 150 * token);
  EXPECT_EQ(balance(account_of(late)) - late_before, 100 * token);
}

TEST_F(state_test, reward_pool_larger_than_treasury_is_insufficient_funds) {
  ok(mint_op{"treasury", token});
  EXPECT_EQ(state.apply(epoch_close_op{0, 2 * token, {}}).err().code, error_code::insufficient_funds);
  EXPECT_EQ(state.apply(epoch_close_op{5, 0, {}}).err().code, error_code::conflict);
}

TEST_F(state_test, amounts_that_would_overflow_are_errors) {
  ok(deposit_op{dev, 0, amount_max_micro});
  EXPECT_EQ(state.apply(deposit_op{dev, 0, 1}).err().code, error_code::too_large);
  EXPECT_EQ(state.apply(deposit_op{dev, 0, -5}).err().code, error_code::invalid_argument);
}

TEST(amount, parse_and_format_round_trip) {
  EXPECT_EQ(*parse_amount("12.5"), 12'500'000);
  EXPECT_EQ(*parse_amount("7u"), 7);
  EXPECT_EQ(*parse_amount("0.000001"), 1);
  EXPECT_FALSE(parse_amount("1.0000001").ok());
  EXPECT_FALSE(parse_amount("-1").ok());
  EXPECT_FALSE(parse_amount("99999999999999999999").ok());
  EXPECT_EQ(format_amount(12'500'000), "12.500000");
  EXPECT_EQ(format_amount(-1), "-0.000001");
}

}  // namespace
}  // namespace infergrid::ledger

// Demand-driven epoch close: the pool is the supply rule's (market/supply_rule.hpp) from the tokens
// the ledger settled and the demand the matchmaker measured, bounded by the treasury, paid out
// exactly; the early window opens while the grid is short of supply; the encoding stays canonical.
// A close counting value paid (useful_work::value_paid) pays nothing for work a miner paid itself
// for or did at price 0, and closes written before it keep their bytes and their token rule. A close
// scoring work_scaled lets latency, uptime and accuracy scale a miner's work instead of adding to it,
// so splitting one miner's work over several accounts earns nothing more.
#include <gtest/gtest.h>

#include <map>

#include "actors/settlement/ledger/epoch_close_rule.hpp"
#include "actors/settlement/ledger/ledger_state.hpp"
#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "actors/settlement/ledger/operation_codec.hpp"
#include "actors/settlement/ledger/signed_ops.hpp"

namespace infergrid::ledger {
namespace {

using testing::key;
constexpr micro_units token = micro_per_token;

class demand_rewards_test : public ::testing::Test {
 protected:
  void ok(const operation& op) {
    auto out = state.apply(op);
    ASSERT_TRUE(out.ok()) << out.err().message;
    ASSERT_TRUE(state.check_invariants().ok()) << state.check_invariants().err().message;
  }
  micro_units balance(const std::string& id) const { return state.find(id) ? state.find(id)->balance_micro : 0; }
  void add_miner(const identity& m) {
    ok(deposit_op{account_of(m), static_cast<std::uint8_t>(account_kind::miner), 100 * token});
    ok(stake_op{account_of(m), 100 * token});
  }
  // One settled request of `tokens` prompt + completion tokens for `m`.
  void serve(const identity& m, const std::string& id, std::int64_t tokens) {
    ok(deposit_op{"dev", 0, 10 * token});
    ok(escrow_op{id, "dev", 10 * token, 1'000, 1'000});
    ok(make_settle(m, id, tokens / 2, tokens - tokens / 2, digest{}));
  }
  // A miner serving 4M tokens to itself and 4M more to `sock` (an account it controls) at price 0.
  void self_deal(const identity& m, const std::string& id) {
    ok(deposit_op{account_of(m), static_cast<std::uint8_t>(account_kind::miner), 10 * token});
    ok(escrow_op{id + "-self", account_of(m), 10 * token, 1'000, 1'000});
    ok(make_settle(m, id + "-self", 2'000'000, 2'000'000, digest{}));
    ok(deposit_op{"sock", 0, token});
    ok(escrow_op{id + "-free", "sock", token, 0, 0});
    ok(make_settle(m, id + "-free", 2'000'000, 2'000'000, digest{}));
  }
  // What a close's outcome credited to `account` (its reward).
  static micro_units credited(const outcome& out, const std::string& account) {
    micro_units sum = 0;
    for (const posting& p : out.postings) sum += p.account == account ? p.delta_micro : 0;
    return sum;
  }
  // Packs [epoch_close kind, [fields…]] as an entry would hold it.
  template <class... Fields>
  static byte_vector close_bytes(const Fields&... fields) {
    msgpack::sbuffer buffer;
    msgpack::packer<msgpack::sbuffer> out(buffer);
    out.pack_array(2);
    out.pack(std::uint8_t{12});
    out.pack_array(sizeof...(fields));
    (out.pack(fields), ...);
    return byte_vector(buffer.data(), buffer.data() + buffer.size());
  }
  micro_units paid_out(const outcome& out) const {
    micro_units paid = 0;
    for (const posting& p : out.postings) {
      if (p.account != "treasury") paid += p.delta_micro;
    }
    return paid;
  }
  ledger_state state{[] {
    ledger_config c;
    c.early_participant_epochs = 0;  // the window is only demand's
    return c;
  }()};
};

TEST_F(demand_rewards_test, the_pool_is_the_rules_from_settled_tokens_and_is_paid_out_exactly) {
  const identity a = key(1), b = key(2);
  add_miner(a);
  add_miner(b);
  serve(a, "r1", 3'000'000);
  serve(b, "r2", 1'000'000);
  ok(mint_op{"treasury", 1'000 * token});
  const micro_units treasury_before = balance("treasury");
  // 4M tokens × 100 micro / 1k = 400,000; utilisation at target; queue 1 s over its 2 s target: × 1.5.
  const micro_units expected = 600'000;
  EXPECT_EQ(market::demand_reward_pool_micro({4'000'000, 3'000, 700'000}, state.config().supply), expected);
  auto out = state.apply(epoch_close_op{0, 0, {}, epoch_demand{3'000, 700'000}});
  ASSERT_TRUE(out.ok()) << out.err().message;
  EXPECT_EQ(treasury_before - balance("treasury"), paid_out(*out));
  EXPECT_LE(paid_out(*out), expected);
  EXPECT_GT(paid_out(*out), expected - 10);
  EXPECT_GT(balance(account_of(a)), balance(account_of(b))) << "more useful tokens, more reward";
  EXPECT_EQ(state.last_close_tokens(), 4'000'000) << "what the close counted, for the epoch driver's report";
  EXPECT_EQ(state.epoch_tokens_total(), 0) << "the next epoch counts from zero";
  const identity idle = key(3);
  add_miner(idle);
  serve(a, "r3", 1'000'000);
  const micro_units idle_before = balance(account_of(idle));
  ok(epoch_close_op{1, 0, {{account_of(idle), 10, 1'000'000, 1'000'000}}, epoch_demand{0, 700'000}});
  EXPECT_EQ(balance(account_of(idle)), idle_before) << "measured but served nothing: no subsidy for idle capacity";
  ASSERT_TRUE(state.check_invariants().ok());
}

TEST_F(demand_rewards_test, idle_capacity_earns_less_and_the_treasury_bounds_the_pool) {
  const identity a = key(1);
  add_miner(a);
  serve(a, "r1", 4'000'000);
  ok(mint_op{"treasury", 100'000});  // less than the rule's 400,000 (plus the fee already there)
  const micro_units treasury = balance("treasury");
  auto out = state.apply(epoch_close_op{0, 0, {}, epoch_demand{0, 700'000}});
  ASSERT_TRUE(out.ok()) << out.err().message;
  EXPECT_EQ(balance("treasury"), treasury - paid_out(*out));
  EXPECT_GT(paid_out(*out), treasury - 10) << "the whole treasury, not an error";
  serve(a, "r2", 4'000'000);
  ok(mint_op{"treasury", 1'000 * token});
  const micro_units before = balance("treasury");
  out = state.apply(epoch_close_op{1, 0, {}, epoch_demand{0, 70'000}});  // 10 % of the target: a tenth
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(before - balance("treasury"), paid_out(*out));
  EXPECT_GT(paid_out(*out), 40'000 - 10);
  EXPECT_LE(paid_out(*out), 40'000);
}

TEST_F(demand_rewards_test, a_miner_joining_while_supply_is_short_is_an_early_participant) {
  const identity old_hand = key(1), newcomer = key(2), latecomer = key(3);
  add_miner(old_hand);
  ok(mint_op{"treasury", 1'000 * token});
  EXPECT_FALSE(state.early_window_open());
  ok(epoch_close_op{0, 0, {}, epoch_demand{9'000, 950'000}});  // requests queue: short of supply
  EXPECT_TRUE(state.early_window_open());
  add_miner(newcomer);
  ok(epoch_close_op{1, 0, {}, epoch_demand{100, 500'000}});  // supply meets demand: the window closes
  EXPECT_FALSE(state.early_window_open());
  add_miner(latecomer);
  std::vector<miner_metrics> same;
  for (const identity* m : {&old_hand, &newcomer, &latecomer}) same.push_back({account_of(*m), 100, 1'000'000, 1'000'000});
  std::map<std::string, micro_units> before;
  for (const identity* m : {&old_hand, &newcomer, &latecomer}) before[account_of(*m)] = balance(account_of(*m));
  ok(epoch_close_op{2, 350 * token, same});
  EXPECT_EQ(balance(account_of(old_hand)) - before[account_of(old_hand)], 100 * token);
  EXPECT_EQ(balance(account_of(newcomer)) - before[account_of(newcomer)], 150 * token);
  EXPECT_EQ(balance(account_of(latecomer)) - before[account_of(latecomer)], 100 * token);
}

TEST_F(demand_rewards_test, a_demand_close_naming_a_pool_is_refused_and_both_encodings_are_canonical) {
  EXPECT_EQ(state.apply(epoch_close_op{0, 5, {}, epoch_demand{1, 1}}).err().code, error_code::invalid_argument);
  const operation plain = epoch_close_op{3, 7, {}};
  const operation driven = epoch_close_op{3, 0, {}, epoch_demand{2'500, 800'000}};
  for (const operation& op : {plain, driven}) {
    const byte_vector bytes = encode_operation(op);
    auto back = decode_operation(bytes);
    ASSERT_TRUE(back.ok()) << back.err().message;
    EXPECT_EQ(encode_operation(*back), bytes);
  }
  const auto decoded = std::get<epoch_close_op>(*decode_operation(encode_operation(driven)));
  ASSERT_TRUE(decoded.demand.has_value());
  EXPECT_EQ(decoded.demand->utilisation_ppm, 800'000);
}

TEST_F(demand_rewards_test, a_close_counting_value_paid_pays_nothing_for_self_dealt_or_free_work) {
  const identity honest = key(1), dealer = key(2);
  add_miner(honest);
  add_miner(dealer);
  serve(honest, "r1", 100'000);  // dev pays 100,000 micro (1,000 per 1k tokens); 1 % fee
  self_deal(dealer, "d1");
  EXPECT_EQ(state.epoch_value_paid(account_of(honest)), 99'000);
  EXPECT_EQ(state.epoch_value_paid(account_of(dealer)), 0) << "paid by itself or at price 0";
  EXPECT_EQ(state.epoch_tokens(account_of(dealer)), 8'000'000);
  ok(mint_op{"treasury", 1'000 * token});
  const micro_units honest_before = balance(account_of(honest)), dealer_before = balance(account_of(dealer));
  // 99,000 micro paid × 500,000 ppm = 49,500; utilisation at target, no queue: the whole base.
  ok(epoch_close_op{0, 0, {}, epoch_demand{0, 700'000}, useful_work::value_paid});
  EXPECT_EQ(balance(account_of(dealer)), dealer_before) << "8M self-dealt tokens earn nothing";
  EXPECT_EQ(balance(account_of(honest)) - honest_before, 49'500) << "the pool from value paid, all to the paid miner";
  EXPECT_EQ(state.epoch_value_paid_total(), 0) << "the next epoch counts from zero";

  // Only self-dealt work: no pool, however many tokens; a caller's pool goes to the paid miner only.
  self_deal(dealer, "d2");
  const micro_units treasury_before = balance("treasury");
  auto out = state.apply(epoch_close_op{1, 0, {}, epoch_demand{9'000, 950'000}, useful_work::value_paid});
  ASSERT_TRUE(out.ok()) << out.err().message;
  EXPECT_EQ(balance("treasury"), treasury_before);
  EXPECT_EQ(credited(*out, account_of(dealer)), 0);
  serve(honest, "r2", 1'000);
  self_deal(dealer, "d3");
  out = state.apply(epoch_close_op{2, 10 * token, {}, std::nullopt, useful_work::value_paid});
  ASSERT_TRUE(out.ok()) << out.err().message;
  EXPECT_EQ(credited(*out, account_of(dealer)), 0);
  EXPECT_EQ(credited(*out, account_of(honest)), 10 * token);
}

TEST_F(demand_rewards_test, a_close_counting_tokens_as_before_value_paid_still_pays_by_tokens_on_replay) {
  const identity honest = key(1), dealer = key(2);
  add_miner(honest);
  add_miner(dealer);
  serve(honest, "r1", 100'000);
  self_deal(dealer, "d1");
  ok(mint_op{"treasury", 1'000 * token});
  const micro_units honest_before = balance(account_of(honest)), dealer_before = balance(account_of(dealer));
  ok(epoch_close_op{0, 0, {}, epoch_demand{0, 700'000}});  // an entry written before value_paid existed
  // 8.1M tokens × 100 micro / 1k = 810,000, split by tokens: what that entry paid, replayed unchanged.
  EXPECT_GT(balance(account_of(dealer)) - dealer_before, 790'000);
  EXPECT_LT(balance(account_of(honest)) - honest_before, 20'000);
}

TEST_F(demand_rewards_test, a_close_counting_value_paid_has_five_fields_and_older_closes_keep_their_bytes) {
  const std::vector<miner_metrics> none;
  EXPECT_EQ(encode_operation(epoch_close_op{3, 7, {}}), close_bytes(3, 7, none));
  EXPECT_EQ(encode_operation(epoch_close_op{3, 0, {}, epoch_demand{1, 2}}), close_bytes(3, 0, none, epoch_demand{1, 2}));
  const msgpack::type::nil_t nil{};
  const operation plain = epoch_close_op{3, 7, {}, std::nullopt, useful_work::value_paid};
  const operation driven = epoch_close_op{3, 0, {}, epoch_demand{2'500, 800'000}, useful_work::value_paid};
  EXPECT_EQ(encode_operation(plain), close_bytes(3, 7, none, nil, std::uint8_t{1}));
  for (const operation& op : {plain, driven}) {
    const byte_vector bytes = encode_operation(op);
    auto back = decode_operation(bytes);
    ASSERT_TRUE(back.ok()) << back.err().message;
    EXPECT_EQ(std::get<epoch_close_op>(*back).work, useful_work::value_paid);
    EXPECT_EQ(std::get<epoch_close_op>(*back).demand.has_value(), std::get<epoch_close_op>(op).demand.has_value());
    EXPECT_EQ(encode_operation(*back), bytes);
  }
  // One encoding each: five fields naming the token rule, four with no demand, an unknown rule.
  EXPECT_FALSE(decode_operation(close_bytes(3, 7, none, nil, std::uint8_t{0})).ok());
  EXPECT_FALSE(decode_operation(close_bytes(3, 7, none, nil)).ok());
  EXPECT_FALSE(decode_operation(close_bytes(3, 7, none, nil, std::uint8_t{2})).ok());
}

// One operator's work as one account (`whole`) or split over two (`half_a`, `half_b`), beside an
// unrelated miner, every miner measured alike; returns each account's reward from a caller's pool.
std::map<std::string, micro_units> split_rewards(score_rule rule) {
  ledger_config config;
  config.early_participant_epochs = 0;
  ledger_state state{config};
  const auto apply = [&state](const operation& op) {
    auto out = state.apply(op);
    EXPECT_TRUE(out.ok()) << out.err().message;
    return out.ok() ? *out : outcome{};
  };
  const identity whole = key(1), half_a = key(2), half_b = key(3), other = key(4);
  std::vector<miner_metrics> metrics;
  for (const identity& m : {whole, half_a, half_b, other}) {
    apply(deposit_op{account_of(m), static_cast<std::uint8_t>(account_kind::miner), 100 * token});
    apply(stake_op{account_of(m), 100 * token});
    metrics.push_back(miner_metrics{account_of(m), 400, 990'000, 1'000'000});
  }
  int request = 0;
  const auto serve = [&](const identity& m, std::int64_t tokens) {
    const std::string id = "r" + std::to_string(++request);
    apply(deposit_op{"dev", 0, 10 * token});
    apply(escrow_op{id, "dev", 10 * token, 1'000, 1'000});
    apply(make_settle(m, id, tokens / 2, tokens - tokens / 2, digest{}));
  };
  serve(whole, 200'000);
  serve(half_a, 100'000);
  serve(half_b, 100'000);
  serve(other, 200'000);
  apply(mint_op{"treasury", 1'000 * token});
  const outcome out = apply(epoch_close_op{0, 100 * token, metrics, std::nullopt, useful_work::value_paid, rule});
  std::map<std::string, micro_units> rewards;
  for (const posting& p : out.postings) {
    if (p.account != "treasury") rewards[p.account] += p.delta_micro;
  }
  return {{"whole", rewards[account_of(whole)]},
          {"split", rewards[account_of(half_a)] + rewards[account_of(half_b)]},
          {"other", rewards[account_of(other)]}};
}

TEST(score_rule, work_scaled_pays_work_split_over_two_accounts_what_it_pays_it_in_one) {
  const auto scaled = split_rewards(score_rule::work_scaled);
  EXPECT_NEAR(scaled.at("split"), scaled.at("whole"), 2) << "the same work, the same quality: the same reward";
  EXPECT_EQ(scaled.at("whole"), scaled.at("other"));
  EXPECT_NEAR(scaled.at("whole") + scaled.at("split") + scaled.at("other"), 100 * token, 3);
  // The additive rule (closes written before work_scaled) paid the split operator far more: the
  // quality terms count once per account, work only as a share.
  const auto additive = split_rewards(score_rule::additive);
  EXPECT_GT(additive.at("split"), additive.at("whole") * 3 / 2);
}

TEST_F(demand_rewards_test, a_work_scaled_close_scales_work_by_quality_and_pays_no_work_nothing) {
  const identity steady = key(1), flaky = key(2), idle = key(3);
  for (const identity& m : {steady, flaky, idle}) add_miner(m);
  serve(steady, "s1", 100'000);
  serve(flaky, "f1", 100'000);
  ok(mint_op{"treasury", 1'000 * token});
  const std::vector<miner_metrics> metrics{{account_of(steady), 300, 1'000'000, 1'000'000},
                                           {account_of(flaky), 300, 500'000, 1'000'000},
                                           {account_of(idle), 100, 1'000'000, 1'000'000}};
  auto out = state.apply(epoch_close_op{0, 1'850 * 1'000, metrics, std::nullopt, useful_work::value_paid,
                                        score_rule::work_scaled});
  ASSERT_TRUE(out.ok()) << out.err().message;
  // Weights 50 / 15 / 15 / 20; latency best p95 (100, the idle miner's) / own: 1/3.
  // steady: 50 + 5 + 15 + 20 = 90; flaky: 50 + 5 + 7.5 + 20 = 82.5 — of equal work.
  EXPECT_EQ(credited(*out, account_of(idle)), 0) << "measured, fast and up, but it did no useful work";
  EXPECT_NEAR(static_cast<double>(credited(*out, account_of(flaky))) / credited(*out, account_of(steady)), 82.5 / 90, 1e-4);
  EXPECT_NEAR(credited(*out, account_of(steady)) + credited(*out, account_of(flaky)), 1'850'000, 2);
}

TEST(score_rule, the_close_the_settlement_actor_writes_counts_value_paid_and_scales_it_by_quality) {
  const epoch_close_op close = current_epoch_close(4, 0, {}, epoch_demand{0, 700'000});
  EXPECT_EQ(close.work, useful_work::value_paid);
  EXPECT_EQ(close.score, score_rule::work_scaled);
}

TEST_F(demand_rewards_test, a_work_scaled_close_has_six_fields_and_one_encoding) {
  const std::vector<miner_metrics> none;
  const msgpack::type::nil_t nil{};
  const operation plain = epoch_close_op{3, 7, {}, std::nullopt, useful_work::value_paid, score_rule::work_scaled};
  const operation driven =
      epoch_close_op{3, 0, {}, epoch_demand{2'500, 800'000}, useful_work::value_paid, score_rule::work_scaled};
  EXPECT_EQ(encode_operation(plain), close_bytes(3, 7, none, nil, std::uint8_t{1}, std::uint8_t{1}));
  for (const operation& op : {plain, driven}) {
    const byte_vector bytes = encode_operation(op);
    auto back = decode_operation(bytes);
    ASSERT_TRUE(back.ok()) << back.err().message;
    EXPECT_EQ(std::get<epoch_close_op>(*back).score, score_rule::work_scaled);
    EXPECT_EQ(encode_operation(*back), bytes);
  }
  // Six fields naming the additive rule are not canonical (five say it); an unknown rule is refused.
  EXPECT_FALSE(decode_operation(close_bytes(3, 7, none, nil, std::uint8_t{1}, std::uint8_t{0})).ok());
  EXPECT_FALSE(decode_operation(close_bytes(3, 7, none, nil, std::uint8_t{1}, std::uint8_t{2})).ok());
  auto five = decode_operation(close_bytes(3, 7, none, nil, std::uint8_t{1}));
  ASSERT_TRUE(five.ok()) << five.err().message;
  EXPECT_EQ(std::get<epoch_close_op>(*five).score, score_rule::additive) << "closes written before keep their rule";
}

}  // namespace
}  // namespace infergrid::ledger

// Property test: 100,000 random operations (deposits, withdrawals, transfers, stakes, unbondings,
// escrows, settlements, refunds, verdicts and slashes, epoch rewards, replays, conflicting op ids,
// double settlements) through the real ledger, group-committed in random batches, checked after
// every operation against fake_ledger_model and every 2,000 operations with a full invariant
// recount; the chain is verified from the file at the end. The database is a temp file with
// durable = false (synchronous=OFF) to keep the run short — durability is the crash test's job.
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "actors/settlement/ledger/fake_ledger_model.hpp"
#include "actors/settlement/ledger/ledger.hpp"
#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "actors/settlement/ledger/ledger_verify.hpp"
#include "actors/settlement/ledger/signed_ops.hpp"

namespace infergrid::ledger {
namespace {

constexpr int operations_total = 100'000;
constexpr int full_check_every = 2'000;
constexpr micro_units token = micro_per_token;

struct world {
  std::vector<std::string> developers{"dev-0", "dev-1", "dev-2", "dev-3", "dev-4", "dev-5"};
  std::vector<identity> miners;
  std::vector<identity> validators;
  world() {
    for (std::uint8_t i = 0; i < 5; ++i) miners.push_back(testing::key(10 + i));
    for (std::uint8_t i = 0; i < 5; ++i) validators.push_back(testing::key(40 + i));
  }
};

class generator {
 public:
  generator(world& w, const testing::fake_ledger_model& model) : w_(w), model_(model) {}

  command next(std::mt19937_64& rng, int index) {
    const std::string op_id = "op-" + std::to_string(index);
    // Replays and conflicting reuses of an earlier op id.
    if (!sent_.empty() && pick(rng, 100) < 4) {
      command replay = sent_[pick(rng, sent_.size())];
      if (pick(rng, 2) == 0) replay.op = deposit_op{"dev-0", 0, 1 + static_cast<micro_units>(pick(rng, 1000))};
      return replay;
    }
    command c{op_id, "msg-" + std::to_string(index), make_op(rng)};
    if (sent_.size() < replay_pool_max) sent_.push_back(c);
    else sent_[pick(rng, replay_pool_max)] = c;
    return c;
  }

 private:
  static constexpr std::size_t replay_pool_max = 4096;
  static std::uint64_t pick(std::mt19937_64& rng, std::uint64_t n) { return rng() % n; }
  micro_units amount(std::mt19937_64& rng, micro_units max_tokens) {
    return 1 + static_cast<micro_units>(pick(rng, static_cast<std::uint64_t>(max_tokens * token)));
  }
  // No ask (paid at the escrow's prices), an ask under or over the escrow's caps, or a negative one.
  static std::optional<receipt_ask> any_ask(std::mt19937_64& rng) {
    const std::uint64_t roll = pick(rng, 10);
    if (roll < 3) return std::nullopt;
    if (roll == 9) return receipt_ask{-1, static_cast<micro_units>(pick(rng, 5'000))};
    return receipt_ask{static_cast<micro_units>(pick(rng, 8'000)), static_cast<micro_units>(pick(rng, 30'000))};
  }
  // Where a claim starts: none (an older receipt), a position (mostly), or one outside any request.
  static std::optional<std::int64_t> any_first_index(std::mt19937_64& rng) {
    const std::uint64_t roll = pick(rng, 10);
    if (roll < 3) return std::nullopt;
    if (roll == 9) return -1;
    return static_cast<std::int64_t>(pick(rng, 3'000));
  }
  std::string any_request(std::mt19937_64& rng) {
    const auto& open = model_.escrows();
    if (open.empty() || pick(rng, 10) == 0) return "req-" + std::to_string(pick(rng, next_request_ + 1));
    auto it = open.begin();
    std::advance(it, static_cast<long>(pick(rng, std::min<std::size_t>(open.size(), 64))));
    return it->first;
  }

  operation make_op(std::mt19937_64& rng) {
    const std::string& dev = w_.developers[pick(rng, w_.developers.size())];
    const identity& miner = w_.miners[pick(rng, w_.miners.size())];
    const identity& validator = w_.validators[pick(rng, w_.validators.size())];
    const std::uint64_t roll = pick(rng, 1000);
    if (roll < 90) return deposit_op{dev, 0, amount(rng, 50)};
    if (roll < 110) return deposit_op{account_of(miner), 1, amount(rng, 200)};
    if (roll < 125) return deposit_op{account_of(validator), 2, amount(rng, 200)};
    if (roll < 140) return withdraw_op{dev, amount(rng, 20)};
    if (roll < 170) return transfer_op{dev, w_.developers[pick(rng, w_.developers.size())], amount(rng, 10)};
    if (roll < 200) return stake_op{account_of(miner), amount(rng, 150)};
    if (roll < 215) return stake_op{account_of(validator), amount(rng, 150)};
    if (roll < 235) return unbond_op{account_of(miner), amount(rng, 40)};
    if (roll < 245) return unbond_op{account_of(validator), amount(rng, 40)};
    if (roll < 255) return withdraw_unbonded_op{pick(rng, 2) ? account_of(miner) : account_of(validator)};
    if (roll < 265) return unbonding_paid_op{pick(rng, 2) ? account_of(miner) : account_of(validator), amount(rng, 30)};
    if (roll < 275) {
      // A slash the vault executed first: voters are the validators, request ids never audited here.
      std::vector<std::string> voters;
      for (const identity& v : w_.validators) {
        if (voters.empty() || pick(rng, 2) != 0) voters.push_back(account_of(v));
      }
      const micro_units reward = amount(rng, 5);
      const micro_units share = pick(rng, 4) == 0 ? 0 : amount(rng, 5);
      return chain_slash_op{pick(rng, 2) ? "" : "chain-" + std::to_string(next_chain_slash_++), account_of(miner),
                            reward * static_cast<micro_units>(voters.size()) + share, voters, reward, share};
    }
    if (roll < 500) {
      return escrow_op{"req-" + std::to_string(next_request_++), dev, amount(rng, 3),
                       static_cast<micro_units>(pick(rng, 5'000)), static_cast<micro_units>(pick(rng, 20'000))};
    }
    if (roll < 680) {
      return make_partial_settle(miner, any_request(rng), static_cast<std::int64_t>(pick(rng, 2'000)),
                                 static_cast<std::int64_t>(pick(rng, 2'000)), digest{}, any_ask(rng),
                                 any_first_index(rng));
    }
    if (roll < 760) {
      return make_settle(miner, any_request(rng), static_cast<std::int64_t>(pick(rng, 2'000)),
                         static_cast<std::int64_t>(pick(rng, 2'000)), digest{}, any_ask(rng), any_first_index(rng));
    }
    if (roll < 850) return refund_op{any_request(rng), "worker failed"};
    if (roll < 960) {
      // Audits concentrate on a few recent receipts so quorums (3) form and slash.
      const std::string receipt = "audit-" + std::to_string(next_request_ / 40 + pick(rng, 2));
      const identity& accused = w_.miners[(next_request_ / 40 + pick(rng, 2)) % w_.miners.size()];
      return make_verdict(validator, receipt, account_of(accused), pick(rng, 4) != 0);
    }
    if (roll < 980) return mint_op{"treasury", amount(rng, 100)};
    std::vector<miner_metrics> metrics;
    for (const identity& m : w_.miners) {
      if (pick(rng, 3) != 0) {
        metrics.push_back({account_of(m), static_cast<std::int64_t>(50 + pick(rng, 2'000)),
                           static_cast<std::int64_t>(pick(rng, 1'000'001)), static_cast<std::int64_t>(pick(rng, 1'000'001))});
      }
    }
    // Closes written before value paid counted tokens; both rules replay side by side.
    const useful_work work = pick(rng, 2) == 0 ? useful_work::tokens_settled : useful_work::value_paid;
    return epoch_close_op{model_.epoch(), static_cast<micro_units>(pick(rng, 60 * token)), metrics, std::nullopt, work};
  }

  world& w_;
  const testing::fake_ledger_model& model_;
  std::vector<command> sent_;
  std::uint64_t next_request_ = 0;
  std::uint64_t next_chain_slash_ = 0;
};

TEST(ledger_property, hundred_thousand_random_operations_keep_every_invariant) {
  testing::temp_dir dir("ledger-property");
  ledger_config config;
  config.conviction_quorum = 3;
  config.unbonding_epochs = 1;
  auto opened = ledger::open(ledger_options{.path = dir.file("ledger.db"), .durable = false, .config = config},
                             testing::key(1));
  ASSERT_TRUE(opened.ok()) << opened.err().message;
  ledger& l = *opened;
  testing::fake_ledger_model model(config);
  world w;
  generator gen(w, model);
  std::mt19937_64 rng(20261127);
  std::map<std::string, acknowledgement> acknowledged;  // op id → first acknowledgement
  std::map<error_code, int> errors;
  int convictions = 0;
  int done = 0;
  std::set<std::string> touched;
  for (int round = 0; done < operations_total && round < operations_total; ++round) {
    const int batch_size = std::min<int>(1 + static_cast<int>(rng() % 32), operations_total - done);
    std::vector<command> batch;
    for (int i = 0; i < batch_size; ++i) batch.push_back(gen.next(rng, done + i));
    const auto acks = l.submit(batch);
    ASSERT_EQ(acks.size(), batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i, ++done) {
      const command& c = batch[i];
      const auto& ack = acks[i];
      const auto seen = acknowledged.find(c.op_id);
      if (seen != acknowledged.end()) {  // a replay or a conflicting reuse: never applied twice
        if (ack.ok()) {
          ASSERT_TRUE(ack->replayed) << "op " << done;
          ASSERT_EQ(ack->seq, seen->second.seq);
          ASSERT_EQ(ack->result, seen->second.result);
        } else {
          ASSERT_EQ(ack.err().code, error_code::conflict) << ack.err().message;
        }
        continue;
      }
      ASSERT_FALSE(ack.ok() && ack->replayed) << "op " << done << " replayed although new";
      if (testing::fake_ledger_model::adopts(c.op)) {
        if (!ack.ok()) { ++errors[ack.err().code]; continue; }
        const std::string broken = model.adopt(c.op, ack->result);
        ASSERT_EQ(broken, "") << "op " << done << " (" << operation_name(c.op) << ")";
        convictions += ack->result.convicted ? 1 : 0;
      } else {
        const bool expected = model.predict_and_apply(c.op);
        ASSERT_EQ(ack.ok(), expected) << "op " << done << " (" << operation_name(c.op) << "): "
                                      << (ack.ok() ? "succeeded" : ack.err().message);
        if (!ack.ok()) {
          ASSERT_NE(ack.err().code, error_code::internal);
          ++errors[ack.err().code];
          continue;
        }
      }
      acknowledged.emplace(c.op_id, *ack);
      for (std::string& id : involved_accounts(c.op, ack->result)) touched.insert(std::move(id));
    }
    // The ledger's state is the state after the whole batch: compare once the model caught up.
    for (const std::string& id : touched) {
      ASSERT_EQ(model.compare(id, l.state()), "") << "after batch ending at op " << done;
    }
    touched.clear();
    if (done / full_check_every != (done - batch_size) / full_check_every) {
      ASSERT_TRUE(l.state().check_invariants().ok()) << l.state().check_invariants().err().message;
      ASSERT_EQ(l.state().supply_micro(), model.supply_micro());
      for (const auto& [id, a] : model.accounts()) ASSERT_EQ(model.compare(id, l.state()), "");
    }
  }
  EXPECT_EQ(done, operations_total);
  std::printf("entries %llu, convictions %d, epochs %lld, insufficient %d, conflicts %d, not found %d\n",
              static_cast<unsigned long long>(l.last_seq()), convictions, static_cast<long long>(model.epoch()),
              errors[error_code::insufficient_funds], errors[error_code::conflict], errors[error_code::not_found]);
  // The mix really exercised the error paths and the slashing path.
  EXPECT_GT(errors[error_code::insufficient_funds], 100);
  EXPECT_GT(errors[error_code::conflict], 100);
  EXPECT_GT(convictions, 5);
  EXPECT_GT(model.epoch(), 5);
  auto report = verify_ledger(dir.file("ledger.db"));
  ASSERT_TRUE(report.ok()) << report.err().message;
  EXPECT_EQ(report->entries, l.last_seq());
  EXPECT_EQ(report->supply_micro, model.supply_micro());
}

}  // namespace
}  // namespace infergrid::ledger

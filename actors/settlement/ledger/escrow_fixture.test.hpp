#pragma once
// escrow_fixture: a ledger with one funded payer and one open escrow ("req-1", 1 token held at the
// given prices per 1k tokens), and the checks the escrow tests share (every apply keeps the
// ledger's invariants).
#include <string>

#include <gtest/gtest.h>

#include "actors/settlement/ledger/ledger_state.hpp"
#include "actors/settlement/ledger/ledger_test_support.hpp"

namespace infergrid::ledger::testing {

class escrow_fixture : public ::testing::Test {
 protected:
  static constexpr micro_units token = micro_per_token;

  escrow_fixture(micro_units prompt_price_per_1k, micro_units completion_price_per_1k) : state(ledger_config{}) {
    ok(deposit_op{dev, 0, 10 * token});
    ok(escrow_op{"req-1", dev, token, prompt_price_per_1k, completion_price_per_1k});
  }
  void ok(const operation& op) {
    auto out = state.apply(op);
    ASSERT_TRUE(out.ok()) << out.err().message;
    ASSERT_TRUE(state.check_invariants().ok()) << state.check_invariants().err().message;
  }
  error_code refused(const operation& op) {
    auto out = state.apply(op);
    EXPECT_FALSE(out.ok());
    EXPECT_TRUE(state.check_invariants().ok());
    return out.ok() ? error_code::ok : out.err().code;
  }
  micro_units balance(const std::string& id) const { return state.find(id) ? state.find(id)->balance_micro : 0; }
  static micro_units after_fee(micro_units cost) { return cost - cost * 100 / 10'000; }  // fee_bps 100

  ledger_state state;
  identity first = key(1);
  identity second = key(2);
  std::string dev = "dev-alice";
};

}  // namespace infergrid::ledger::testing

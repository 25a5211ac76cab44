// The chain withdrawal messages (messages/chain_withdrawal.hpp) round-trip with non-default values.
#include <gtest/gtest.h>

#include "messages/chain_withdrawal.hpp"
#include "messages/message_test_support.hpp"

namespace infergrid {
namespace {

using testing::round_trip;

TEST(chain_withdrawal_messages, round_trip) {
  const auto request = round_trip(chain_withdrawal_request{"op-1", "0xab", 12'500'000, std::vector<std::uint8_t>(65, 7)});
  EXPECT_EQ(request.op_id, "op-1");
  EXPECT_EQ(request.account, "0xab");
  EXPECT_EQ(request.amount_micro, 12'500'000);
  EXPECT_EQ(request.signature, std::vector<std::uint8_t>(65, 7));
  EXPECT_EQ(round_trip(chain_withdrawal_proof_query{"0xcd"}).account, "0xcd");
  const auto proof = round_trip(chain_withdrawal_proof{"0xab", 4, 9, {std::vector<std::uint8_t>(32, 1)},
                                                       std::vector<std::uint8_t>(32, 2)});
  EXPECT_EQ(proof.chain_epoch, 4u);
  EXPECT_EQ(proof.cumulative_micro, 9);
  ASSERT_EQ(proof.proof.size(), 1u);
  EXPECT_EQ(proof.proof[0], std::vector<std::uint8_t>(32, 1));
  EXPECT_EQ(proof.balances_root, std::vector<std::uint8_t>(32, 2));
}

}  // namespace
}  // namespace infergrid

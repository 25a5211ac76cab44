// The chain slash messages (messages/chain_slash.hpp) round-trip with non-default values.
#include <gtest/gtest.h>

#include "messages/chain_slash.hpp"
#include "messages/message_test_support.hpp"

namespace infergrid {
namespace {

using testing::round_trip;

TEST(chain_slash_messages, round_trip) {
  EXPECT_EQ(round_trip(chain_identity_query{"ab12"}).account, "ab12");
  const auto bound = round_trip(chain_identity{"ab12", "0xcd", std::vector<std::uint8_t>(64, 3)});
  EXPECT_EQ(bound.account, "ab12");
  EXPECT_EQ(bound.chain_address, "0xcd");
  EXPECT_EQ(bound.binding_signature, std::vector<std::uint8_t>(64, 3));
  const auto signed_slash = round_trip(chain_slash_signature{"r-1", "m", "v", std::vector<std::uint8_t>(65, 9)});
  EXPECT_EQ(signed_slash.request_id, "r-1");
  EXPECT_EQ(signed_slash.miner, "m");
  EXPECT_EQ(signed_slash.validator, "v");
  EXPECT_EQ(signed_slash.signature, std::vector<std::uint8_t>(65, 9));
  const auto ack = round_trip(chain_slash_signature_ack{"r-1", 2});
  EXPECT_EQ(ack.request_id, "r-1");
  EXPECT_EQ(ack.signatures_kept, 2u);
}

}  // namespace
}  // namespace infergrid

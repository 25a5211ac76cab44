// account_history_query (messages/account_history.hpp) round-trips, keeps its tag and is allowed to
// members (the settlement actor then checks that the account is the sender's own).
#include <gtest/gtest.h>

#include "messages/account_history.hpp"
#include "messages/authority.hpp"
#include "messages/message_test_support.hpp"

namespace infergrid {
namespace {

using testing::round_trip;

TEST(account_history_messages, round_trip) {
  const auto query = round_trip(account_history_query{"3b6a", 250});
  EXPECT_EQ(query.account, "3b6a");
  EXPECT_EQ(query.limit, 250u);
  EXPECT_EQ(static_cast<int>(account_history_query::id), 425);
  EXPECT_EQ(round_trip(account_history_query{"3b6a", 500, 77}).before_seq, 77u);
  EXPECT_EQ(testing::decode_older<account_history_query>(std::string("3b6a")).before_seq, 0u) << "older senders: the newest";
}

TEST(account_history_messages, members_may_ask) {
  EXPECT_EQ(allowed_senders("settlement", message_type::account_history_query), role_member);
  EXPECT_EQ(allowed_senders("matchmaker", message_type::account_history_query), 0);
  // Its answer (an entries_reply) reaches the asking CLI on another node, as every reply does.
  EXPECT_EQ(allowed_senders("_call", message_type::entries_reply), role_anyone);
}

}  // namespace
}  // namespace infergrid

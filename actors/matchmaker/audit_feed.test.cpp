// audit_feed: verdicts count only from the configured validators' own addresses.
#include "actors/matchmaker/audit_feed.hpp"

#include <gtest/gtest.h>

namespace infergrid::matchmaker {
namespace {

// A bare name is an actor of the matchmaker's own node; a stranger's node may name an actor
// "validator-1" too, and its verdicts (signed by keys of its own making) must not move reputations.
TEST(audit_feed, a_bare_validator_name_is_an_actor_of_this_node_only) {
  const audit_feed feed({"validator-1", "far/validator-2"}, 16, "hub");
  EXPECT_TRUE(feed.from_validator("hub/validator-1"));
  EXPECT_TRUE(feed.from_validator("far/validator-2"));
  EXPECT_FALSE(feed.from_validator("mallory/validator-1"));
  EXPECT_FALSE(feed.from_validator("mallory/far/validator-2"));
  EXPECT_FALSE(feed.from_validator("hub/validator-2"));
  EXPECT_FALSE(feed.from_validator("hub/validator-10"));
  EXPECT_TRUE(feed.is_validator("hub/validator-1", "validator-1"));
  EXPECT_FALSE(feed.is_validator("evil/validator-1", "validator-1"));
}

}  // namespace
}  // namespace infergrid::matchmaker

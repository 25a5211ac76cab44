// actor_address: where `infergrid status`/`trace` send for --matchmaker and --settlement.
#include "actors/cli/actor_address.hpp"

#include <gtest/gtest.h>

namespace infergrid::cli {
namespace {

const std::vector<peer_config> split_layout = {{"ledger", "tcp://127.0.0.1:7503", {"settlement"}, std::nullopt, ""}};

TEST(actor_address, a_name_with_a_slash_is_a_full_address) {
  EXPECT_EQ(actor_address("ledger/settlement", "hub", {}), "ledger/settlement");
}

TEST(actor_address, a_bare_name_a_peer_hosts_is_on_that_peer) {
  EXPECT_EQ(actor_address("settlement", "hub", split_layout), "ledger/settlement");
}

TEST(actor_address, any_other_bare_name_is_on_the_reached_node) {
  EXPECT_EQ(actor_address("matchmaker", "hub", split_layout), "hub/matchmaker");
}

}  // namespace
}  // namespace infergrid::cli

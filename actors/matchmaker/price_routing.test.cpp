// Price discovery in the matchmaker: routing weighs asks as one factor of the cost, heartbeats
// move asks, caps apply to the live ask, and the price index summarises exactly those asks and jobs.
#include <gtest/gtest.h>

#include "actors/matchmaker/price_book.hpp"
#include "actors/matchmaker/routing_policy.hpp"

namespace infergrid::matchmaker {
namespace {

worker_register priced(std::string id, std::uint64_t prompt, std::uint64_t completion, std::uint32_t slots = 8) {
  return worker_register{id, "n/" + id, {model_offer{"m", "hash", 512, "F32", 100, prompt, completion}}, slots, slots, 0, 0};
}

inference_request request_for_m() {
  inference_request r;
  r.request_id = "r";
  r.model = "m";
  return r;
}

// Routes `jobs` requests one after another (each stays assigned) and counts who got them.
std::map<std::string, int> route_jobs(worker_registry& registry, int jobs, const routing_weights& weights = {}) {
  std::map<std::string, int> served;
  for (int i = 0; i < jobs; ++i) {
    const auto d = choose_worker(registry, request_for_m(), {}, weights);
    if (d.outcome != route_outcome::chosen) break;
    ++served[d.worker_id];
    ++registry.find(d.worker_id)->assigned;
  }
  return served;
}

TEST(price_routing, the_cheaper_of_two_equal_workers_gets_more_of_the_traffic_but_not_all) {
  worker_registry registry;
  ASSERT_TRUE(registry.upsert(priced("cheap", 100, 200), 10, clock::now()).ok());
  ASSERT_TRUE(registry.upsert(priced("dear", 200, 400), 10, clock::now()).ok());
  const auto served = route_jobs(registry, 12);
  EXPECT_GT(served.at("cheap"), served.at("dear"));
  EXPECT_GT(served.at("dear"), 0) << "price is one factor: a loaded cheap worker loses to an idle dear one";
  EXPECT_EQ(served.at("cheap") + served.at("dear"), 12);
}

TEST(price_routing, a_price_weight_of_zero_ignores_asks) {
  worker_registry registry;
  ASSERT_TRUE(registry.upsert(priced("a-dear", 200, 400), 10, clock::now()).ok());
  ASSERT_TRUE(registry.upsert(priced("b-cheap", 100, 200), 10, clock::now()).ok());
  const auto served = route_jobs(registry, 12, routing_weights{0.0});
  EXPECT_EQ(served.at("a-dear"), 6);
  EXPECT_EQ(served.at("b-cheap"), 6);
}

TEST(price_routing, a_heartbeat_moves_the_ask_and_the_traffic_and_caps_apply_to_the_live_ask) {
  worker_registry registry;
  const auto now = clock::now();
  ASSERT_TRUE(registry.upsert(priced("a", 100, 200), 10, now).ok());
  ASSERT_TRUE(registry.upsert(priced("b", 100, 200), 10, now).ok());
  EXPECT_EQ(choose_worker(registry, request_for_m(), {}).worker_id, "a");  // tie: by id
  ASSERT_TRUE(registry.heartbeat(worker_heartbeat{"a", 1, 8, 0, 0, 0, {model_ask{"m", 100, 900}}}, now).ok());
  EXPECT_EQ(registry.find("a")->offer("m")->price_completion_micro, 900u);
  EXPECT_EQ(choose_worker(registry, request_for_m(), {}).worker_id, "b");
  auto capped = request_for_m();
  capped.routing.max_price_completion_micro = 500;
  registry.find("b")->assigned = 8;  // b full: a is the only other one, and its live ask is over the cap
  const auto d = choose_worker(registry, capped, {});
  EXPECT_EQ(d.outcome, route_outcome::busy);
  ASSERT_TRUE(registry.heartbeat(worker_heartbeat{"a", 2, 8, 0, 0, 0, {model_ask{"other-model", 1, 1}}}, now).ok());
  EXPECT_EQ(registry.find("a")->offer("m")->price_completion_micro, 900u) << "asks for models it does not serve are ignored";
  EXPECT_EQ(registry.find("a")->models.size(), 1u);
}

TEST(price_routing, the_price_index_matches_the_asks_and_the_jobs_it_summarises) {
  worker_registry registry;
  const auto now = clock::now();
  for (std::uint64_t i = 1; i <= 10; ++i) {
    ASSERT_TRUE(registry.upsert(priced("w" + std::to_string(i), 10 * i, 100 * i), 100, now).ok());
  }
  price_book book(2);
  book.cleared("m", {10, 100, 50, 500});
  book.cleared("m", {30, 100, 10, 100});
  book.cleared("m", {10, 300, 20, 200});  // the window keeps the last two
  model_supply row;
  row.model = "m";
  book.fill(registry, row);
  EXPECT_EQ(row.ask_prompt.p10_micro, 10u);
  EXPECT_EQ(row.ask_prompt.median_micro, 50u);
  EXPECT_EQ(row.ask_prompt.p90_micro, 90u);
  EXPECT_EQ(row.ask_completion.median_micro, 500u);
  EXPECT_EQ(row.cleared_jobs, 2u);
  EXPECT_EQ(row.cleared_prompt_micro, (30 * 10 + 10 * 20) / 40u);
  EXPECT_EQ(row.cleared_completion_micro, (100 * 100 + 300 * 200) / 400u);
  EXPECT_EQ(median_ask_micro(registry, "m"), 550u);
  EXPECT_EQ(median_ask_micro(registry, "none"), 0u);
}

}  // namespace
}  // namespace infergrid::matchmaker

// routing_policy: model match, capacity, preferences with explanations, deterministic choice.
#include <gtest/gtest.h>

#include "actors/matchmaker/routing_policy.hpp"

namespace infergrid::matchmaker {
namespace {

worker_register worker(std::string id, std::uint64_t price, std::string quant = "F32", std::uint32_t slots = 4) {
  return worker_register{id, "n/" + id, {model_offer{"m", "hash", 512, std::move(quant), 100, 10, price}}, slots, slots, 0, 0};
}

inference_request request_for(std::string model = "m") {
  inference_request r;
  r.request_id = "r";
  r.model = std::move(model);
  return r;
}

TEST(routing_policy, unknown_model_is_not_found) {
  worker_registry registry;
  ASSERT_TRUE(registry.upsert(worker("a", 100), 10, clock::now()).ok());
  const auto d = choose_worker(registry, request_for("other"), {});
  EXPECT_EQ(d.outcome, route_outcome::refused);
  EXPECT_EQ(d.why.code, error_code::not_found);
  EXPECT_NE(d.why.message.find("no worker serves model 'other'"), std::string::npos);
}

TEST(routing_policy, least_loaded_wins_and_ties_break_on_price_then_id) {
  worker_registry registry;
  for (auto id : {"c", "a", "b"}) ASSERT_TRUE(registry.upsert(worker(id, 100), 10, clock::now()).ok());
  EXPECT_EQ(choose_worker(registry, request_for(), {}).worker_id, "a");
  registry.find("a")->assigned = 2;
  EXPECT_EQ(choose_worker(registry, request_for(), {}).worker_id, "b");
  ASSERT_TRUE(registry.upsert(worker("b", 150), 10, clock::now()).ok());
  EXPECT_EQ(choose_worker(registry, request_for(), {}).worker_id, "c") << "same load: the cheaper one";
  EXPECT_EQ(choose_worker(registry, request_for(), {"c"}).worker_id, "b") << "skipped workers are not chosen";
}

TEST(routing_policy, full_workers_make_the_request_wait) {
  worker_registry registry;
  ASSERT_TRUE(registry.upsert(worker("a", 100, "F32", 1), 10, clock::now()).ok());
  registry.find("a")->assigned = 1;
  EXPECT_EQ(choose_worker(registry, request_for(), {}).outcome, route_outcome::busy);
}

TEST(routing_policy, preferences_name_what_excluded_whom) {
  worker_registry registry;
  ASSERT_TRUE(registry.upsert(worker("aaaa", 500), 10, clock::now()).ok());
  ASSERT_TRUE(registry.upsert(worker("bbbb", 100, "Q4_0"), 10, clock::now()).ok());
  ASSERT_TRUE(registry.upsert(worker("cccc", 100), 10, clock::now()).ok());
  auto r = request_for();
  r.routing.max_price_completion_micro = 200;
  r.routing.allowed_quantisations = {"F32"};
  r.routing.excluded_miners = {"cccc"};
  const auto d = choose_worker(registry, r, {});
  ASSERT_EQ(d.outcome, route_outcome::refused);
  EXPECT_NE(d.why.message.find("max_price_completion_micro=200 excluded [aaaa]"), std::string::npos) << d.why.message;
  EXPECT_NE(d.why.message.find("allowed_quantisations (it serves Q4_0) excluded [bbbb]"), std::string::npos) << d.why.message;
  EXPECT_NE(d.why.message.find("excluded_miners excluded [cccc]"), std::string::npos) << d.why.message;
  r.routing = {};
  r.routing.min_reputation_permille = 900;
  EXPECT_NE(choose_worker(registry, r, {}).why.message.find("min_reputation_permille=900"), std::string::npos);
}

TEST(routing_policy, preferred_miners_first_and_no_fallbacks_means_only_them) {
  worker_registry registry;
  ASSERT_TRUE(registry.upsert(worker("a", 100), 10, clock::now()).ok());
  ASSERT_TRUE(registry.upsert(worker("b", 900), 10, clock::now()).ok());
  auto r = request_for();
  r.routing.preferred_miners = {"b"};
  EXPECT_EQ(choose_worker(registry, r, {}).worker_id, "b");
  r.routing.allow_fallbacks = false;
  registry.find("b")->assigned = 4;
  EXPECT_EQ(choose_worker(registry, r, {}).outcome, route_outcome::busy);
  r.routing.allow_fallbacks = true;
  EXPECT_EQ(choose_worker(registry, r, {}).worker_id, "a");
}

TEST(worker_registry, reregistration_keeps_one_entry_and_silent_workers_are_reported) {
  worker_registry registry;
  const auto t0 = clock::now();
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(registry.upsert(worker("a", 100), 10, t0).ok());
  EXPECT_EQ(registry.all().size(), 1u);
  EXPECT_EQ(registry.heartbeat(worker_heartbeat{"zz"}, t0).err().code, error_code::not_found);
  EXPECT_TRUE(registry.silent_workers(t0 + std::chrono::milliseconds(50), std::chrono::milliseconds(100)).empty());
  EXPECT_EQ(registry.silent_workers(t0 + std::chrono::milliseconds(150), std::chrono::milliseconds(100)).size(), 1u);
  for (int i = 0; i < 9; ++i) ASSERT_TRUE(registry.upsert(worker("w" + std::to_string(i), 1), 10, t0).ok());
  EXPECT_EQ(registry.upsert(worker("one-too-many", 1), 10, t0).err().code, error_code::too_large);
}

}  // namespace
}  // namespace infergrid::matchmaker

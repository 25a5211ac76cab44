// routing_policy: model match, capacity, preferences with explanations, deterministic choice.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <vector>

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

// Sequential requests on an idle grid: every worker has the same cost, so the tie decides. Equal
// workers take turns (least recently given work first) instead of the lowest id taking everything.
TEST(routing_policy, equal_workers_take_turns) {
  worker_registry registry;
  for (auto id : {"a", "b", "c"}) ASSERT_TRUE(registry.upsert(worker(id, 100), 10, clock::now()).ok());
  std::vector<std::string> picked;
  for (int i = 0; i < 6; ++i) {
    const auto d = choose_worker(registry, request_for(), {});
    ASSERT_EQ(d.outcome, route_outcome::chosen);
    picked.push_back(d.worker_id);
    registry.note_dispatch(*registry.find(d.worker_id));
  }
  EXPECT_EQ(picked, (std::vector<std::string>{"a", "b", "c", "a", "b", "c"}));
  // A worker that registers again (e.g. back after a network cut) is first in line.
  ASSERT_TRUE(registry.upsert(worker("b", 100), 10, clock::now()).ok());
  EXPECT_EQ(choose_worker(registry, request_for(), {}).worker_id, "b");
  // Cost still rules: a loaded worker waits behind idle ones whatever its turn.
  registry.find("b")->assigned = 1;
  EXPECT_EQ(choose_worker(registry, request_for(), {}).worker_id, "a");
}

// A latency estimate with no new samples fades, so a worker once slow is tried again.
TEST(routing_policy, a_stale_latency_estimate_fades_until_the_worker_is_tried_again) {
  worker_registry registry;
  for (auto id : {"fast", "once_slow"}) ASSERT_TRUE(registry.upsert(worker(id, 100), 10, clock::now()).ok());
  registry.note_first_token("once_slow", 400);
  registry.note_first_token("fast", 20);
  EXPECT_EQ(choose_worker(registry, request_for(), {}).worker_id, "fast");
  registry.fade_latencies(std::chrono::seconds(10));
  EXPECT_NEAR(registry.find("once_slow")->first_token_ms_ewma, 400 * std::exp(-1.0), 1e-6);
  // "fast" keeps being measured at 20 ms; the unsampled estimate falls below it within a minute.
  for (int s = 0; s < 60 && choose_worker(registry, request_for(), {}).worker_id == "fast"; ++s) {
    registry.fade_latencies(std::chrono::seconds(1));
    registry.note_first_token("fast", 20);
  }
  EXPECT_EQ(choose_worker(registry, request_for(), {}).worker_id, "once_slow");
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

// The HTTP bridge vouches for delivery (actors/matchmaker/vouched_jobs.hpp): with a small
// in-process matchmaker that answers each request with one last chunk and never answers a check,
// the bridge names the first job it received whole at once (in a delivery-only check, cheap for
// the matchmaker however many jobs run), holds the next one while that check is in flight, and names every job still unreported in its last word when it stops — so the
// matchmaker pays their receipts instead of settling them as lost after a restart of the bridge.
// With an owed_journal those still unanswered are named again by the bridge started after it.
#include <gtest/gtest.h>
#include <httplib.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/http_bridge/bridge_test_node.test.hpp"
#include "messages/inference.hpp"
#include "messages/match.hpp"
#include "runtime/actor_kind_registry.hpp"
#include "tests/support/wait_until.hpp"

namespace infergrid {
namespace {

using namespace std::chrono_literals;

struct heard_checks {
  std::mutex mutex;
  std::vector<held_requests_query> queries;
  std::vector<held_requests_query> taken() {
    std::lock_guard lock(mutex);
    return queries;
  }
};

// Lists stories260k; answers each request with its whole answer in one chunk; keeps every check
// unanswered (in flight on the bridge) and writes it down.
struct finishing_matchmaker_state {
  finishing_matchmaker_state(actor_context& ctx, heard_checks* heard) : ctx(ctx), heard(heard) {}
  handler_table handlers() {
    return {on<supply_request>([](const supply_request&) -> result<supply_report> {
              return testing::one_free_slot_of("stories260k");
            }),
            on<inference_request>([this](const inference_request& request) {
              token_chunk last;
              last.request_id = request.request_id;
              last.tokens = {42};
              last.text = " cat";
              last.finish_reason = "length";
              last.worker_id = "w";
              last.prompt_token_count = 2;
              (void)ctx.send(request.reply_to, last);
            }),
            on<held_requests_query>([this](const held_requests_query& q) {
              std::lock_guard lock(heard->mutex);
              heard->queries.push_back(q);
            }),
            on<cancel_inference>([](const cancel_inference&) {})};
  }
  actor_context& ctx;
  heard_checks* heard;
};

// Stops after the bridge, as settlement does, so it hears the bridge's last word.
constexpr const char* listener_kind = "test_matchmaker_stopping_last";
const actor_kind_registration stops_last(listener_kind, nullptr, stop_phase::last);

std::vector<std::string> delivered_in(const std::vector<held_requests_query>& queries) {
  std::vector<std::string> out;
  for (const auto& q : queries) out.insert(out.end(), q.delivered_ids.begin(), q.delivered_ids.end());
  return out;
}

// Two completions through the bridge once it lists the model; their ids (fewer: one failed).
std::vector<std::string> two_completions(int port) {
  std::vector<std::string> ids;
  if (!testing::wait_for_listed_model(port, "sk-vouch", "stories260k")) return ids;
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(30, 0);
  for (int i = 0; i < 2; ++i) {
    auto res = client.Post("/v1/completions", {{"Authorization", "Bearer sk-vouch"}},
                           R"({"model": "stories260k", "prompt": "a", "max_tokens": 1})", "application/json");
    EXPECT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
    if (res && res->status == 200) ids.push_back(nlohmann::json::parse(res->body).at("id").get<std::string>());
  }
  return ids;
}

TEST(http_bridge_vouching, jobs_received_whole_are_named_at_once_and_in_the_last_word) {
  // Checks on the timer every 10 min: each one here is one the bridge sent of its own accord.
  auto bridge = testing::make_bridge_test_node("bridge-vouch", "sk-vouch", "matchmaker_check_ms: 600000");
  ASSERT_TRUE(bridge);
  node* grid = bridge->grid.get();
  heard_checks heard;
  ASSERT_TRUE(grid->spawn("matchmaker", listener_kind, [&heard](actor_context& ctx) -> result<std::unique_ptr<actor_state>> {
                    return std::unique_ptr<actor_state>(new actor_state_holder<finishing_matchmaker_state>(
                        std::make_unique<finishing_matchmaker_state>(ctx, &heard)));
                  }).ok());
  ASSERT_TRUE(grid->start().ok());

  const std::vector<std::string> ids = two_completions(bridge->port);
  ASSERT_EQ(ids.size(), 2u);
  // The first job was named as soon as it ended; its check is still in flight, so the second waits.
  ASSERT_TRUE(testing::wait_until([&] { return !heard.taken().empty(); }, 5s));
  std::this_thread::sleep_for(200ms);
  auto before_stop = heard.taken();
  ASSERT_EQ(before_stop.size(), 1u);
  EXPECT_EQ(before_stop[0].delivered_ids, std::vector<std::string>{ids[0]});
  EXPECT_TRUE(before_stop[0].request_ids.empty()) << "a delivery-only check names no held job";
  EXPECT_FALSE(before_stop[0].names_all) << "so it proves none lost";

  grid->stop();
  auto all = heard.taken();
  ASSERT_EQ(all.size(), 2u) << "no last word";
  EXPECT_FALSE(all[1].names_all) << "a last word loses no job";
  EXPECT_TRUE(all[1].request_ids.empty());
  const auto named = delivered_in({all[1]});
  EXPECT_NE(std::find(named.begin(), named.end(), ids[1]), named.end());
}

// With `owed_journal` the deliveries the bridge vouches for outlive it: a bridge that stopped (or was
// killed) before the matchmaker answered the checks naming them names them again when it starts on
// the same journal, so the matchmaker still pays their parked receipts. Without the journal the new
// bridge, holding no job, sends no check at all.
TEST(http_bridge_vouching, deliveries_the_matchmaker_did_not_take_are_named_again_after_a_restart) {
  const std::string journal = (std::filesystem::temp_directory_path() /
                               ("bridge-vouch-" + std::to_string(::getpid()) + ".journal")).string();
  std::filesystem::remove(journal);
  const std::string settings = "matchmaker_check_ms: 600000, owed_journal: '" + journal + "'";
  const auto spawn_matchmaker = [](node* grid, heard_checks* heard) {
    return grid->spawn("matchmaker", listener_kind, [heard](actor_context& ctx) -> result<std::unique_ptr<actor_state>> {
      return std::unique_ptr<actor_state>(
          new actor_state_holder<finishing_matchmaker_state>(std::make_unique<finishing_matchmaker_state>(ctx, heard)));
    });
  };
  std::vector<std::string> ids;
  {
    auto bridge = testing::make_bridge_test_node("bridge-vouch", "sk-vouch", settings);
    ASSERT_TRUE(bridge);
    heard_checks heard;
    ASSERT_TRUE(spawn_matchmaker(bridge->grid.get(), &heard).ok());
    ASSERT_TRUE(bridge->grid->start().ok());
    ids = two_completions(bridge->port);
    ASSERT_EQ(ids.size(), 2u);
    ASSERT_TRUE(testing::wait_until([&] { return !heard.taken().empty(); }, 5s));
    bridge->grid->stop();  // no check was answered: both deliveries are still owed
  }
  auto again = testing::make_bridge_test_node("bridge-vouch", "sk-vouch", settings);
  ASSERT_TRUE(again);
  heard_checks heard;
  ASSERT_TRUE(spawn_matchmaker(again->grid.get(), &heard).ok());
  ASSERT_TRUE(again->grid->start().ok());
  ASSERT_TRUE(testing::wait_until([&] { return !heard.taken().empty(); }, 5s)) << "the restarted bridge named nothing";
  const auto named = delivered_in(heard.taken());
  for (const std::string& id : ids) EXPECT_NE(std::find(named.begin(), named.end(), id), named.end()) << id;
  EXPECT_FALSE(heard.taken()[0].names_all) << "a delivery-only check: it loses no job";
  again->grid->stop();
  std::filesystem::remove(journal);
  std::filesystem::remove(journal + ".lock");
}

}  // namespace
}  // namespace infergrid

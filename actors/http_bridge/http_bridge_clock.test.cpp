// The HTTP bridge actor in a real node, with a small in-process matchmaker that lists one model
// and never answers its requests: the bridge's own job deadline (request_timeout_ms + 1 s grace)
// follows the context's clock, so a test's manual clock expires a job at once (504) that the
// system clock would keep open for an hour, and the matchmaker is told to cancel it.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>

#include "actors/http_bridge/bridge_test_node.test.hpp"
#include "messages/inference.hpp"
#include "messages/match.hpp"
#include "runtime/clock.hpp"
#include "runtime/config.hpp"
#include "runtime/node.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/wait_until.hpp"

namespace infergrid {
namespace {

using namespace std::chrono_literals;

// Lists stories260k with one worker; keeps every request (and counts the cancels).
struct silent_matchmaker_state {
  silent_matchmaker_state(actor_context&, std::atomic<int>* cancels) : cancelled(cancels) {}
  handler_table handlers() {
    return {on<supply_request>([](const supply_request&) -> result<supply_report> {
              return testing::one_free_slot_of("stories260k");
            }),
            on<inference_request>([](const inference_request&) {}),
            on<held_requests_query>([](const held_requests_query&) -> result<held_requests_reply> {
              return held_requests_reply{};  // holds every request it was sent
            }),
            on<cancel_inference>([this](const cancel_inference&) { cancelled->fetch_add(1); })};
  }
  std::atomic<int>* cancelled;
};

TEST(http_bridge_clock, a_job_expires_when_the_context_clock_passes_its_deadline) {
  manual_clock time(system_clock().unix_ms());
  auto bridge = testing::make_bridge_test_node("bridge-clock", "sk-clock", "request_timeout_ms: 3600000");
  ASSERT_TRUE(bridge);
  const int port = bridge->port;
  node* grid = bridge->grid.get();
  grid->use_clock(time);
  std::atomic<int> cancels{0};
  ASSERT_TRUE(grid->spawn_state<silent_matchmaker_state>("matchmaker", &cancels).ok());
  ASSERT_TRUE(grid->start().ok());

  ASSERT_TRUE(testing::wait_for_listed_model(port, "sk-clock", "stories260k"));
  auto answer = std::async(std::launch::async, [&] {
    httplib::Client asker("127.0.0.1", port);
    asker.set_read_timeout(30, 0);
    const auto started = std::chrono::steady_clock::now();
    auto res = asker.Post("/v1/completions", {{"Authorization", "Bearer sk-clock"}},
                          R"({"model": "stories260k", "prompt": "hang", "max_tokens": 4})", "application/json");
    return std::make_pair(res ? res->status : -1, std::chrono::steady_clock::now() - started);
  });
  // Kept open: its deadline is an hour away on the bridge's clock.
  EXPECT_EQ(answer.wait_for(1500ms), std::future_status::timeout);
  time.advance(3600000 + 1001);
  ASSERT_EQ(answer.wait_for(10s), std::future_status::ready);
  const auto [status, took] = answer.get();
  EXPECT_EQ(status, 504);
  EXPECT_LT(took, 8s);
  EXPECT_TRUE(testing::wait_until([&] { return cancels.load() == 1; }, 5s)) << "the matchmaker is told to cancel it";
  grid->stop();
}

}  // namespace
}  // namespace infergrid

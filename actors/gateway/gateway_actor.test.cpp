// The gateway actor in a real node, reached by the real client library over a real ZeroMQ socket;
// a small in-process matchmaker stands in for the grid behind it. Checks that the gateway sleeps
// while no client talks to it (it watches its socket through its context instead of polling) and
// that its deadlines follow the context's clock.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>

#include "actors/gateway/client/infergrid_client.hpp"
#include "messages/inference.hpp"
#include "runtime/clock.hpp"
#include "runtime/config.hpp"
#include "runtime/node.hpp"

namespace infergrid {
namespace {

using namespace std::chrono_literals;

// Answers every request with one last chunk, except prompts "hang", which it keeps (and counts
// the cancel the gateway sends when their deadline passes).
struct fake_matchmaker_state {
  fake_matchmaker_state(actor_context& context, std::atomic<int>* cancels) : ctx(context), cancelled(cancels) {}
  handler_table handlers() {
    return {on<inference_request>([this](const inference_request& request) {
              if (request.prompt == "hang") return;
              token_chunk last;
              last.request_id = request.request_id;
              last.text = "ok:" + request.prompt;
              last.finish_reason = "stop";
              (void)ctx.send(request.reply_to, last);
            }),
            on<cancel_inference>([this](const cancel_inference&) { cancelled->fetch_add(1); })};
  }
  actor_context& ctx;
  std::atomic<int>* cancelled;
};

struct gateway_grid {
  std::string endpoint = "ipc:///tmp/infergrid-gateway-test-" + std::to_string(::getpid()) + "-" +
                         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  std::atomic<int> cancels{0};
  std::unique_ptr<node> grid;

  explicit gateway_grid(const clock* time = nullptr) {
    auto config = parse_config("node: {name: gw}\nactors:\n  - {name: gateway, kind: gateway, settings: {bind: \"" +
                                   endpoint + "\"}}\n",
                               "<gateway test>");
    EXPECT_TRUE(config.ok()) << config.err().message;
    auto created = node::create(std::move(*config));
    EXPECT_TRUE(created.ok()) << created.err().message;
    grid = std::move(*created);
    if (time != nullptr) grid->use_clock(*time);
    EXPECT_TRUE(grid->spawn_state<fake_matchmaker_state>("matchmaker", &cancels).ok());
    auto started = grid->start();
    EXPECT_TRUE(started.ok()) << started.err().message;
  }
  ~gateway_grid() {
    grid->stop();
    std::filesystem::remove(endpoint.substr(std::string("ipc://").size()));
  }
};

// Voluntary + involuntary context switches of this process's thread named `name` (-1: none).
long context_switches_of_thread(const std::string& name) {
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string shown;
    std::getline(comm, shown);
    if (shown != name) continue;
    std::ifstream status(task.path() / "status");
    long total = 0;
    for (std::string line; std::getline(status, line);) {
      if (line.find("ctxt_switches:") != std::string::npos) total += std::stol(line.substr(line.find(':') + 1));
    }
    return total;
  }
  return -1;
}

inference_request ask(std::string prompt, std::int64_t deadline_ms = 0) {
  inference_request request;
  request.model = "stories260k";
  request.prompt = std::move(prompt);
  request.max_tokens = 4;
  request.deadline_ms = deadline_ms;
  return request;
}

TEST(gateway_actor, answers_a_client_and_sleeps_while_no_client_talks_to_it) {
  gateway_grid grid;
  infergrid_client client(grid.endpoint);
  auto answer = client.complete(ask("hello"), 10000);
  ASSERT_TRUE(answer.ok()) << answer.err().message;
  EXPECT_EQ(answer->text, "ok:hello");
  EXPECT_EQ(answer->finish_reason, "stop");

  // Idle: the actor loop only wakes for its one-second stop check. Polling the client socket
  // from a 1 ms timer (as before) woke the gateway's thread about a thousand times a second.
  const long before = context_switches_of_thread("gateway");
  ASSERT_GE(before, 0) << "no thread named gateway";
  std::this_thread::sleep_for(2s);
  const long woke = context_switches_of_thread("gateway") - before;
  EXPECT_LE(woke, 20) << "the idle gateway thread woke " << woke << " times in 2 s";

  // And it still answers at once after sleeping.
  auto again = client.complete(ask("again"), 10000);
  ASSERT_TRUE(again.ok()) << again.err().message;
  EXPECT_EQ(again->text, "ok:again");
}

TEST(gateway_actor, deadlines_follow_the_context_clock) {
  // A day behind the system clock: a deadline on this clock is long past on the system's.
  manual_clock time(system_clock().unix_ms() - 24 * 3600 * 1000);
  gateway_grid grid(&time);
  auto waiting = std::async(std::launch::async, [&] {
    infergrid_client client(grid.endpoint);
    const auto started = std::chrono::steady_clock::now();
    auto answer = client.complete(ask("hang", time.unix_ms() + 60000), 20000);
    return std::make_pair(std::move(answer), std::chrono::steady_clock::now() - started);
  });
  // Accepted (its deadline is in the future on the gateway's clock) and kept open.
  EXPECT_EQ(waiting.wait_for(500ms), std::future_status::timeout);
  time.advance(60001);
  ASSERT_EQ(waiting.wait_for(10s), std::future_status::ready);
  auto [answer, took] = waiting.get();
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.err().code, error_code::timeout);
  EXPECT_NE(answer.err().message.find("before the deadline"), std::string::npos) << answer.err().message;
  EXPECT_LT(took, 5s);
  for (int i = 0; i < 100 && grid.cancels.load() == 0; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(grid.cancels.load(), 1) << "the matchmaker is told to cancel the expired request";
}

}  // namespace
}  // namespace infergrid

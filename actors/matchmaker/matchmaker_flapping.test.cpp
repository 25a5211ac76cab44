// The matchmaker in a node, with fake workers that speak the real protocol: a steady one and a
// flapping one that registers, takes jobs, streams one token and leaves — 100 times. Every
// request still completes with each position's token exactly once.
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <thread>

#include "messages/inference.hpp"
#include "messages/match.hpp"
#include "runtime/node.hpp"

namespace infergrid::matchmaker {
namespace {

constexpr std::uint32_t tokens_per_request = 8;
constexpr int flaps = 100;
constexpr int requests = 40;

// Streams, from the resume point, each generated position's own index as its token.
struct fake_worker_state {
  fake_worker_state(actor_context& context, std::string id, bool flapping, std::promise<void>* flapped)
      : ctx(context), worker_id(std::move(id)), flapper(flapping), done_flapping(flapped) {}

  void on_start() {
    if (flapper) ctx.every(15, [this] { flap(); });
    else join();
    ctx.every(20, [this] { (void)ctx.request<worker_registered>("matchmaker", worker_heartbeat{worker_id}, 200, [](auto) {}); });
  }
  void join() {
    const model_offer offer{"fake", "00", 512, "F32", 1000, 1, 1};
    ctx.request<worker_registered>("matchmaker", worker_register{worker_id, ctx.address(), {offer}, 2, 2, 4, 0}, 500,
                                   [](result<worker_registered>) {});
  }
  void flap() {
    if (cycles >= flaps) return;
    if (joined) {
      (void)ctx.send("matchmaker", worker_leave{worker_id});
      if (++cycles == flaps) done_flapping->set_value();
    } else {
      join();
    }
    joined = !joined;
  }
  handler_table handlers() {
    return {on<inference_job>([this](const inference_job& job) -> result<job_accepted> {
              const auto first = static_cast<std::uint32_t>(job.resume_tokens.size());
              token_chunk chunk{job.request.request_id, first, {}, "", "", worker_id, 1};
              const std::uint32_t last = flapper ? first + 1 : job.request.max_tokens;  // the flapper never finishes
              for (std::uint32_t i = first; i < last; ++i) chunk.tokens.push_back(static_cast<std::int32_t>(i));
              if (!flapper) chunk.finish_reason = finish_length;
              const std::string to = job.reply_to;
              ctx.after(1, [this, to, chunk] { (void)ctx.send(to, chunk); });
              return job_accepted{job.request.request_id, worker_id, 0};
            }),
            on<cancel_inference>([](const cancel_inference&) {})};
  }

  actor_context& ctx;
  std::string worker_id;
  bool flapper;
  std::promise<void>* done_flapping;
  bool joined = false;
  int cycles = 0;
};

// Sends requests one every few milliseconds and checks each stream.
struct client_state {
  client_state(actor_context& context, std::promise<std::map<std::string, std::vector<std::int32_t>>>* finished)
      : ctx(context), done(finished) {}
  void on_start() { ctx.every(10, [this] { send_next(); }); }
  void send_next() {
    if (sent == requests) return;
    inference_request r;
    r.request_id = "req" + std::to_string(sent++);
    r.model = "fake";
    r.max_tokens = tokens_per_request;
    r.reply_to = ctx.address();
    (void)ctx.send("matchmaker", r);
  }
  void finish_one() {
    if (++completed == requests) done->set_value(streams);
  }
  handler_table handlers() {
    return {on<token_chunk>([this](const token_chunk& c) {
              auto& tokens = streams[c.request_id];
              EXPECT_EQ(c.index, tokens.size()) << c.request_id;
              tokens.insert(tokens.end(), c.tokens.begin(), c.tokens.end());
              if (!c.finish_reason.empty()) finish_one();
            }),
            on<inference_failed>([this](const inference_failed& f) {
              ADD_FAILURE() << f.request_id << ": " << f.message;
              finish_one();
            })};
  }
  actor_context& ctx;
  std::promise<std::map<std::string, std::vector<std::int32_t>>>* done;
  std::map<std::string, std::vector<std::int32_t>> streams;
  int sent = 0;
  int completed = 0;
};

TEST(matchmaker, survives_a_worker_flapping_100_times_and_every_request_completes_exactly) {
  node_config config;
  config.source = "<test>";
  config.name = "mm";
  config.limits.drain_quiet_ms = 10;
  config.actors.push_back({"matchmaker", "matchmaker",
                           settings(YAML::Load("{tick_ms: 10, heartbeat_interval_ms: 20, heartbeat_timeout_ms: 300, "
                                               "stall_timeout_ms: 500, dispatch_timeout_ms: 300}"),
                                    "<test>", "settings")});
  auto grid = std::move(node::create(config)).value();
  ASSERT_TRUE(grid->start().ok());
  std::promise<void> flapped;
  std::promise<std::map<std::string, std::vector<std::int32_t>>> finished;
  ASSERT_TRUE(grid->spawn_state<fake_worker_state>("steady", std::string("steady"), false, &flapped).ok());
  ASSERT_TRUE(grid->spawn_state<fake_worker_state>("flapper", std::string("a-flapper"), true, &flapped).ok());
  ASSERT_TRUE(grid->spawn_state<client_state>("client", &finished).ok());
  auto streams = finished.get_future();
  ASSERT_EQ(streams.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  ASSERT_EQ(flapped.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready);
  std::vector<std::int32_t> expected(tokens_per_request);
  for (std::uint32_t i = 0; i < tokens_per_request; ++i) expected[i] = static_cast<std::int32_t>(i);
  for (const auto& [id, tokens] : streams.get()) EXPECT_EQ(tokens, expected) << id;
  // The last worker_leave is still in flight when the flapper reports its last flap: ask until the
  // matchmaker has seen it (a loaded machine takes a while), then check the whole report.
  auto supply = grid->call<supply_report>("matchmaker", supply_request{"fake"}, 2000);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (supply.ok() && supply->evictions < static_cast<std::uint64_t>(flaps) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    supply = grid->call<supply_report>("matchmaker", supply_request{"fake"}, 2000);
  }
  ASSERT_TRUE(supply.ok());
  EXPECT_GE(supply->evictions, static_cast<std::uint64_t>(flaps));
  ASSERT_EQ(supply->models.size(), 1u);
  EXPECT_EQ(supply->models[0].workers, 1u) << "only the steady worker is left";
  EXPECT_EQ(supply->models[0].running, 0u);
  EXPECT_EQ(supply->models[0].queued, 0u);
  grid->stop();
}

}  // namespace
}  // namespace infergrid::matchmaker

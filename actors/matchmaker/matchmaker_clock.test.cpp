// The matchmaker reads time only through its context: with a test's manual clock, a worker that
// stops heart-beating is evicted (and its job fails over) and a queued request's deadline expires
// when the manual clock says so — after a minute of test time, in well under a second of real time.
// On the system clock neither would happen within the test's waits.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "messages/inference.hpp"
#include "messages/match.hpp"
#include "runtime/clock.hpp"
#include "runtime/node.hpp"

namespace infergrid::matchmaker {
namespace {

using namespace std::chrono_literals;

// A fake worker over the real protocol: one slot, no queue. A `silent` one never heart-beats and
// never streams; a live one heart-beats every 20 ms (real time) and either streams the whole
// answer or, when `hold` is set, keeps its job without streaming.
struct fake_worker_state {
  fake_worker_state(actor_context& context, std::string id, bool is_silent, bool holds)
      : ctx(context), worker_id(std::move(id)), silent(is_silent), hold(holds) {}

  void on_start() {
    const model_offer offer{"fake", "00", 512, "F32", 1000, 1, 1};
    ctx.request<worker_registered>("matchmaker", worker_register{worker_id, ctx.address(), {offer}, 1, 1, 0, 0}, 2000,
                                   [](result<worker_registered>) {});
    if (silent) return;
    ctx.every(20, [this] {
      (void)ctx.request<worker_registered>("matchmaker", worker_heartbeat{worker_id, ++beats, hold ? 0u : 1u}, 2000,
                                           [](auto) {});
    });
  }
  handler_table handlers() {
    return {on<inference_job>([this](const inference_job& job) -> result<job_accepted> {
              if (!silent && !hold) {
                token_chunk chunk{job.request.request_id, 0, {7, 8, 9}, "", finish_length, worker_id, 1};
                const std::string to = job.reply_to;
                ctx.after(1, [this, to, chunk] { (void)ctx.send(to, chunk); });
              }
              return job_accepted{job.request.request_id, worker_id, 0};
            }),
            on<cancel_inference>([](const cancel_inference&) {})};
  }

  actor_context& ctx;
  std::string worker_id;
  bool silent;
  bool hold;
  std::uint64_t beats = 0;
};

struct outcome {
  std::string finish_reason;  // "" when it failed
  std::string worker_id;      // who streamed the last chunk
  error_code failure = error_code::ok;
};

// How each request ended, written by the client actor, read by the test.
struct outcomes {
  std::optional<outcome> of(const std::string& request_id) {
    std::lock_guard lock(mutex);
    auto found = ended.find(request_id);
    if (found == ended.end()) return std::nullopt;
    return found->second;
  }
  void record(const std::string& request_id, outcome how) {
    std::lock_guard lock(mutex);
    ended[request_id] = std::move(how);
  }
  std::mutex mutex;
  std::map<std::string, outcome> ended;
};

// Forwards a request the test hands it (node::call) to the matchmaker, with itself as reply_to,
// answers the test at once, and records how the stream ended.
struct client_state {
  client_state(actor_context& context, outcomes* into) : ctx(context), results(into) {}
  handler_table handlers() {
    return {on<inference_request>([this](const inference_request& r) -> result<job_accepted> {
              inference_request forwarded = r;
              forwarded.reply_to = ctx.address();
              IG_TRY(ctx.send("matchmaker", forwarded));
              return job_accepted{r.request_id, "", 0};
            }),
            on<token_chunk>([this](const token_chunk& c) {
              if (!c.finish_reason.empty()) results->record(c.request_id, outcome{c.finish_reason, c.worker_id});
            }),
            // Asked of the matchmaker as this client (the submitter of its requests), as a bridge does.
            on<held_requests_query>([this](const held_requests_query& q) {
              const reply_token token = ctx.reply_later();
              ctx.request<held_requests_reply>("matchmaker", q, 2000, [this, token](result<held_requests_reply> held) {
                if (!held.ok()) return (void)ctx.reply_error(token, held.err());
                (void)ctx.reply(token, *held);
              });
            }),
            on<inference_failed>([this](const inference_failed& f) {
              results->record(f.request_id, outcome{"", "", static_cast<error_code>(f.code)});
            })};
  }

  actor_context& ctx;
  outcomes* results;
};

class matchmaker_grid {
 public:
  explicit matchmaker_grid(const clock& time) {
    node_config config;
    config.source = "<test>";
    config.name = "mm";
    config.limits.drain_quiet_ms = 10;
    config.actors.push_back({"matchmaker", "matchmaker",
                             settings(YAML::Load("{tick_ms: 10, heartbeat_interval_ms: 20, heartbeat_timeout_ms: 60000, "
                                                 "stall_timeout_ms: 600000, default_deadline_ms: 600000}"),
                                      "<test>", "settings")});
    grid = std::move(node::create(config)).value();
    grid->use_clock(time);
    EXPECT_TRUE(grid->start().ok());
    EXPECT_TRUE(grid->spawn_state<client_state>("client", &results).ok());
  }
  ~matchmaker_grid() { grid->stop(); }

  void ask(const std::string& request_id, std::int64_t deadline_ms = 0) {
    inference_request r;
    r.request_id = request_id;
    r.model = "fake";
    r.max_tokens = 3;
    r.deadline_ms = deadline_ms;
    auto sent = grid->call<job_accepted>("client", r, 2000);
    ASSERT_TRUE(sent.ok()) << sent.err().message;
  }
  std::optional<outcome> wait_for(const std::string& request_id, std::chrono::milliseconds at_most) {
    const auto until = std::chrono::steady_clock::now() + at_most;
    while (std::chrono::steady_clock::now() < until) {
      if (auto ended = results.of(request_id)) return ended;
      std::this_thread::sleep_for(5ms);
    }
    return results.of(request_id);
  }
  // Waits up to 5 s until `count` workers are registered; returns how many are.
  std::uint32_t registered_workers(std::uint32_t count) {
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (workers() < count && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
    return workers();
  }
  std::uint32_t workers() {
    auto supply = grid->call<supply_report>("matchmaker", supply_request{"fake"}, 2000);
    return supply.ok() && !supply->models.empty() ? supply->models[0].workers : 0;
  }

  outcomes results;
  std::unique_ptr<node> grid;
};

// Moves the manual clock by `total_ms` in steps short enough for live workers' heartbeats (every
// 20 ms of real time) to land in between, so only a really silent worker looks silent.
void advance_in_steps(manual_clock& time, std::int64_t total_ms) {
  for (std::int64_t moved = 0; moved < total_ms; moved += 10000) {
    time.advance(std::min<std::int64_t>(10000, total_ms - moved));
    std::this_thread::sleep_for(150ms);
  }
}

TEST(matchmaker_clock, a_silent_worker_is_evicted_and_its_job_fails_over_when_the_context_clock_says_so) {
  manual_clock time(system_clock().unix_ms());
  matchmaker_grid mm(time);
  ASSERT_TRUE(mm.grid->spawn_state<fake_worker_state>("silent", std::string("silent-worker"), true, false).ok());
  ASSERT_EQ(mm.registered_workers(1), 1u);
  mm.ask("r1");  // goes to the only worker, which never answers
  std::this_thread::sleep_for(200ms);
  ASSERT_TRUE(mm.grid->spawn_state<fake_worker_state>("live", std::string("live-worker"), false, false).ok());
  EXPECT_FALSE(mm.wait_for("r1", 500ms)) << "nothing moves while the context clock stands still";

  advance_in_steps(time, 59000);
  EXPECT_FALSE(mm.wait_for("r1", 100ms)) << "59 s of silence is within heartbeat_timeout_ms (60 s)";
  advance_in_steps(time, 2000);
  const auto ended = mm.wait_for("r1", 3000ms);
  ASSERT_TRUE(ended.has_value()) << "61 s of context-clock silence must evict the worker and fail its job over";
  EXPECT_EQ(ended->finish_reason, finish_length);
  EXPECT_EQ(ended->worker_id, "live-worker");
  EXPECT_EQ(mm.workers(), 1u) << "the live worker, heart-beating on the same clock, stays";
}

// The only worker of a model is lost with a job on it: the job waits orphan_wait_ms (15 s) for
// another, then fails as unavailable — not at its deadline (600 s here) with its client waiting on
// a stream that never moves.
TEST(matchmaker_clock, a_job_whose_only_worker_was_lost_fails_after_the_orphan_wait) {
  manual_clock time(system_clock().unix_ms());
  matchmaker_grid mm(time);
  ASSERT_TRUE(mm.grid->spawn_state<fake_worker_state>("silent", std::string("silent-worker"), true, false).ok());
  ASSERT_EQ(mm.registered_workers(1), 1u);
  mm.ask("orphan");
  std::this_thread::sleep_for(200ms);
  advance_in_steps(time, 61000);  // the worker is evicted (heartbeat_timeout_ms 60 s); no other serves "fake"
  EXPECT_FALSE(mm.wait_for("orphan", 300ms)) << "it fails over first: it may wait for a worker a while";
  advance_in_steps(time, 16000);
  const auto ended = mm.wait_for("orphan", 3000ms);
  ASSERT_TRUE(ended.has_value()) << "15 s after its worker was lost, the job must fail, not wait for its 600 s deadline";
  EXPECT_EQ(ended->failure, error_code::unavailable);
}

TEST(matchmaker_clock, a_queued_request_expires_at_its_deadline_on_the_context_clock) {
  manual_clock time(system_clock().unix_ms());
  matchmaker_grid mm(time);
  ASSERT_TRUE(mm.grid->spawn_state<fake_worker_state>("busy", std::string("busy-worker"), false, true).ok());
  ASSERT_EQ(mm.registered_workers(1), 1u);
  mm.ask("holds-the-slot");
  std::this_thread::sleep_for(200ms);
  mm.ask("waits", time.unix_ms() + 30000);  // no free slot: it waits in the matchmaker's queue
  EXPECT_FALSE(mm.wait_for("waits", 500ms));

  advance_in_steps(time, 31000);
  const auto ended = mm.wait_for("waits", 3000ms);
  ASSERT_TRUE(ended.has_value()) << "a deadline 30 s away on the context clock must expire after 31 s of it";
  EXPECT_EQ(ended->failure, error_code::timeout);
  EXPECT_FALSE(mm.results.of("holds-the-slot").has_value()) << "its default deadline (600 s) is still ahead";
}

// A bridge asks which of its requests the matchmaker holds: one queued or running is held for its
// submitter; one never submitted (or lost with a matchmaker that restarted), or another client's,
// is named lost.
TEST(matchmaker_held_requests, the_requests_not_held_for_the_asker_are_named_lost) {
  manual_clock time(system_clock().unix_ms());
  matchmaker_grid mm(time);
  ASSERT_TRUE(mm.grid->spawn_state<fake_worker_state>("busy", std::string("busy-worker"), false, true).ok());
  ASSERT_EQ(mm.registered_workers(1), 1u);
  mm.ask("running");
  mm.ask("queued");
  auto held = mm.grid->call<held_requests_reply>("client", held_requests_query{{"running", "queued", "never-sent"}}, 2000);
  ASSERT_TRUE(held.ok()) << held.err().message;
  EXPECT_EQ(held->lost_ids, (std::vector<std::string>{"never-sent"}));
  auto someone_else = mm.grid->call<held_requests_reply>("matchmaker", held_requests_query{{"running"}}, 2000);
  ASSERT_TRUE(someone_else.ok()) << someone_else.err().message;
  EXPECT_EQ(someone_else->lost_ids, (std::vector<std::string>{"running"})) << "not the asker's request";
}

// A worker streaming a job the matchmaker does not hold for it (the matchmaker restarted and forgot
// it, or it failed over elsewhere) is told to stop instead of working for nobody.
struct stray_worker_state {
  explicit stray_worker_state(actor_context& context, std::atomic<int>* told) : ctx(context), cancels(told) {}
  void on_start() {
    (void)ctx.send("matchmaker", token_chunk{"forgotten", 0, {7}, "", "", "stray-worker", 1});
  }
  handler_table handlers() {
    return {on<cancel_inference>([this](const cancel_inference& c) {
      if (c.request_id == "forgotten") ++*cancels;
    })};
  }
  actor_context& ctx;
  std::atomic<int>* cancels;
};

TEST(matchmaker_held_requests, a_chunk_of_a_job_the_matchmaker_does_not_hold_cancels_it_at_the_worker) {
  manual_clock time(system_clock().unix_ms());
  matchmaker_grid mm(time);
  std::atomic<int> cancels{0};
  ASSERT_TRUE(mm.grid->spawn_state<stray_worker_state>("stray", &cancels).ok());
  const auto until = std::chrono::steady_clock::now() + 3s;
  while (cancels.load() == 0 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(cancels.load(), 1);
}

}  // namespace
}  // namespace infergrid::matchmaker

// Actors in one process: ping-pong over inproc, request timeouts, crash and restart, timers.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "messages/system.hpp"
#include "runtime/node.hpp"
#include "tests/support/sequential_pinger.hpp"

namespace infergrid {
namespace {

node_config in_process_config(std::string name = "test") {
  node_config config;
  config.source = "<test>";
  config.name = std::move(name);
  config.limits.drain_quiet_ms = 10;
  return config;
}

std::unique_ptr<node> make_node(node_config config = in_process_config()) {
  auto created = node::create(std::move(config));
  EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.err().message);
  return std::move(created).value();
}

// Answers ping with pong; throws on ping sequence 666 (to exercise supervision).
struct ponger_state {
  ponger_state(actor_context& context) : ctx(context) {}
  handler_table handlers() {
    return {on<ping>([this](const ping& p) -> result<pong> {
      if (p.sequence == 666) throw std::runtime_error("sequence 666 is cursed");
      return pong{p.sequence, p.payload, ctx.address()};
    })};
  }
  actor_context& ctx;
};


TEST(node, ping_pong_between_two_actors_in_one_process) {
  auto grid = make_node();
  ASSERT_TRUE(grid->spawn_state<ponger_state>("ponger").ok());
  std::promise<int> done;
  auto matched = done.get_future();
  ASSERT_TRUE(grid->spawn_state<testing::sequential_pinger>("pinger", std::string("ponger"), 1000, std::size_t{3}, &done).ok());
  ASSERT_EQ(matched.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EXPECT_EQ(matched.get(), 1000);
  grid->stop();
  for (const auto& m : grid->metrics()) {
    if (m.address == "test/ponger") {
      EXPECT_EQ(m.received, 1000u);
      EXPECT_EQ(m.sent, 1000u);
    }
  }
}

TEST(node, call_from_outside_reaches_an_actor_by_full_and_bare_name) {
  auto grid = make_node();
  ASSERT_TRUE(grid->spawn_state<ponger_state>("ponger").ok());
  auto reply = grid->call<pong>("test/ponger", ping{7, {}}, 2000);
  ASSERT_TRUE(reply.ok()) << reply.err().message;
  EXPECT_EQ(reply->sequence, 7u);
  EXPECT_EQ(reply->responder, "test/ponger");
  EXPECT_TRUE(grid->call<pong>("ponger", ping{8, {}}, 2000).ok());
  auto missing = grid->call<pong>("nobody", ping{9, {}}, 2000);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.err().code, error_code::not_found);
}

std::size_t open_descriptors() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++count;
  return count;
}

// Blocking calls borrow pooled inboxes (call_inboxes.hpp): a long-lived client (a test probe, a
// bench, the CLI paging a history) makes thousands of calls on a few sockets. When each call bound,
// registered and closed its own, ZeroMQ's reaper fell behind under load and a run of calls ended in
// "Too many open files" (the replying actor unable to connect back, the call timing out).
TEST(node, many_blocking_calls_leave_no_sockets_behind) {
  auto grid = make_node();
  ASSERT_TRUE(grid->spawn_state<ponger_state>("ponger").ok());
  ASSERT_TRUE(grid->call<pong>("ponger", ping{0, {}}, 2000).ok());
  const std::size_t before = open_descriptors();
  for (std::uint64_t i = 1; i <= 1500; ++i) {
    // 666 would throw; a generous timeout: the test counts descriptors, not latency (CI runs it under load).
    auto reply = grid->call<pong>("ponger", ping{i == 666 ? 0 : i, {}}, 20000);
    ASSERT_TRUE(reply.ok()) << "call " << i << ": " << reply.err().message;
  }
  // ZeroMQ's reaper thread closes sockets asynchronously: under load it may lag a little.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (open_descriptors() >= before + 50 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // poll period of a bounded wait
  }
  EXPECT_LT(open_descriptors(), before + 50);
}

// Answers each ping `delay_ms` late (after its caller may have given up).
struct late_ponger_state {
  late_ponger_state(actor_context& context, std::int64_t delay) : ctx(context), delay_ms(delay) {}
  handler_table handlers() {
    return {on<ping>([this](const ping& p) {
      const reply_token token = ctx.reply_later();
      ctx.after(delay_ms, [this, token, p] { (void)ctx.reply(token, pong{p.sequence, p.payload, ctx.address()}); });
    })};
  }
  actor_context& ctx;
  std::int64_t delay_ms;
};

TEST(node, concurrent_blocking_calls_each_get_their_own_reply) {
  auto grid = make_node();
  ASSERT_TRUE(grid->spawn_state<ponger_state>("ponger").ok());
  std::vector<std::thread> callers;
  std::atomic<int> wrong{0};
  for (std::uint64_t t = 0; t < 8; ++t) {
    callers.emplace_back([&, t] {
      for (std::uint64_t i = 1; i <= 150; ++i) {
        const std::uint64_t sequence = 1000 * (t + 1) + i;
        auto reply = grid->call<pong>("ponger", ping{sequence, {}}, 20000);
        if (!reply.ok() || reply->sequence != sequence) wrong.fetch_add(1);
      }
    });
  }
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(node, a_reply_that_comes_after_its_call_gave_up_is_not_taken_by_the_next_call) {
  auto grid = make_node();
  ASSERT_TRUE(grid->spawn_state<late_ponger_state>("late", std::int64_t{300}).ok());
  ASSERT_TRUE(grid->spawn_state<ponger_state>("ponger").ok());
  auto gave_up = grid->call<pong>("late", ping{1, {}}, 50);
  ASSERT_FALSE(gave_up.ok());
  EXPECT_EQ(gave_up.err().code, error_code::timeout);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // the late pong reaches the pooled inbox meanwhile
  auto next = grid->call<pong>("ponger", ping{2, {}}, 5000);
  ASSERT_TRUE(next.ok()) << next.err().message;
  EXPECT_EQ(next->sequence, 2u);
  EXPECT_EQ(next->responder, "test/ponger");
  auto waited = grid->call<pong>("late", ping{3, {}}, 5000);  // waiting long enough, the late one answers
  ASSERT_TRUE(waited.ok()) << waited.err().message;
  EXPECT_EQ(waited->sequence, 3u);
}

// Never answers: every request to it must end in a timeout error delivered to the callback.
struct silent_state {
  silent_state(actor_context&) {}
  handler_table handlers() {
    return {on<ping>([](const ping&) {})};
  }
};

struct timeout_probe_state {
  timeout_probe_state(actor_context& context, std::promise<error_code>* done) : ctx(context), finished(done) {}
  handler_table handlers() { return {}; }
  void on_start() {
    ctx.request<pong>("silent", ping{1, {}}, 50, [this](result<pong> reply) {
      finished->set_value(reply.ok() ? error_code::ok : reply.err().code);
    });
  }
  actor_context& ctx;
  std::promise<error_code>* finished;
};

TEST(node, a_reply_that_never_comes_becomes_a_timeout_error) {
  auto grid = make_node();
  ASSERT_TRUE(grid->spawn_state<silent_state>("silent").ok());
  std::promise<error_code> done;
  auto outcome = done.get_future();
  const auto begin = std::chrono::steady_clock::now();
  ASSERT_TRUE(grid->spawn_state<timeout_probe_state>("probe", &done).ok());
  ASSERT_EQ(outcome.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(outcome.get(), error_code::timeout);
  EXPECT_GE(std::chrono::steady_clock::now() - begin, std::chrono::milliseconds(50));
  grid->stop();
  for (const auto& m : grid->metrics()) {
    if (m.address == "test/probe") {
      EXPECT_EQ(m.timeouts, 1u);
    }
  }
}

TEST(node, a_throwing_handler_is_restarted_and_the_node_keeps_serving) {
  auto grid = make_node();
  ASSERT_TRUE(grid->spawn_state<ponger_state>("ponger").ok());
  auto crashed = grid->call<pong>("ponger", ping{666, {}}, 2000);
  ASSERT_FALSE(crashed.ok());
  EXPECT_EQ(crashed.err().code, error_code::internal);
  EXPECT_NE(crashed.err().message.find("cursed"), std::string::npos);
  auto after = grid->call<pong>("ponger", ping{5, {}}, 2000);
  ASSERT_TRUE(after.ok()) << after.err().message;
  EXPECT_EQ(after->sequence, 5u);
  for (const auto& m : grid->metrics()) {
    if (m.address == "test/ponger") {
      EXPECT_EQ(m.restarts, 1u);
      EXPECT_EQ(m.errors, 1u);
    }
  }
}

// Counts timer ticks; replies to ping with the tick count once it has seen three.
struct ticker_state {
  ticker_state(actor_context& context, std::promise<int>* done) : ctx(context), finished(done) {}
  handler_table handlers() { return {}; }
  void on_start() {
    ctx.after(5, [this] { ++one_shots; });
    periodic = ctx.every(2, [this] {
      if (++ticks == 3) {
        ctx.cancel(periodic);
        ctx.after(20, [this] { finished->set_value(ticks * 10 + one_shots); });
      }
    });
  }
  actor_context& ctx;
  std::promise<int>* finished;
  timer_id periodic = 0;
  int ticks = 0;
  int one_shots = 0;
};

TEST(node, timers_fire_once_periodically_and_stop_when_cancelled) {
  auto grid = make_node();
  std::promise<int> done;
  auto outcome = done.get_future();
  ASSERT_TRUE(grid->spawn_state<ticker_state>("ticker", &done).ok());
  ASSERT_EQ(outcome.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(outcome.get(), 31);
}

// Takes work another thread queues (a counter) whenever that thread wakes it; checks each
// on_wake runs on the actor's own thread.
struct woken_state {
  struct shared {
    std::promise<actor_waker> waker;
    std::atomic<int> queued{0};
    std::promise<int> all_taken;
    int wanted = 0;
  };
  woken_state(actor_context& context, shared* s) : ctx(context), world(s) {}
  handler_table handlers() { return {}; }
  void on_start() {
    own_thread = std::this_thread::get_id();
    world->waker.set_value(ctx.waker());
  }
  void on_wake() {
    ++wakes;
    if (std::this_thread::get_id() != own_thread) wrong_thread = true;
    taken += world->queued.exchange(0);
    if (taken == world->wanted) world->all_taken.set_value(wrong_thread ? -1 : taken);
  }
  actor_context& ctx;
  shared* world;
  std::thread::id own_thread;
  int taken = 0;
  int wakes = 0;
  bool wrong_thread = false;
};

TEST(node, a_waker_runs_on_wake_on_the_actor_thread_for_work_other_threads_queue) {
  auto grid = make_node();
  woken_state::shared world;
  world.wanted = 3000;
  auto waker_future = world.waker.get_future();
  auto taken = world.all_taken.get_future();
  ASSERT_TRUE(grid->spawn_state<woken_state>("woken", &world).ok());
  const actor_waker waker = waker_future.get();
  std::vector<std::thread> producers;
  for (int p = 0; p < 3; ++p) {
    producers.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        world.queued.fetch_add(1);
        waker.wake();
      }
    });
  }
  for (auto& t : producers) t.join();
  ASSERT_EQ(taken.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "a wake was lost";
  EXPECT_EQ(taken.get(), 3000);
  grid->stop();
  waker.wake();  // after the actor stopped: nothing happens
  actor_waker{}.wake();
}

// Collects pings and commits them in groups: each commit takes what arrived while the last ran.
struct group_committer_state {
  struct shared {
    std::promise<std::vector<int>> batches;  // sizes, once all pings are committed
    int expected = 0;
  };
  group_committer_state(actor_context& context, shared* s) : ctx(context), world(s) {}
  handler_table handlers() {
    return {on<ping>([this](const ping&) {
      ++queued;
      if (!armed) {
        armed = true;
        ctx.when_idle([this] { commit(); });
      }
    })};
  }
  void commit() {
    armed = false;
    std::this_thread::sleep_for(std::chrono::milliseconds(30));  // a slow commit: the rest arrive meanwhile
    batches.push_back(queued);
    committed += queued;
    queued = 0;
    if (committed == world->expected) world->batches.set_value(batches);
  }
  actor_context& ctx;
  shared* world;
  bool armed = false;
  int queued = 0, committed = 0;
  std::vector<int> batches;
};

// Sends `count` pings in one burst when it starts.
struct burst_sender_state {
  burst_sender_state(actor_context& context, int n) : ctx(context), count(n) {}
  handler_table handlers() { return {}; }
  void on_start() {
    for (int i = 0; i < count; ++i) (void)ctx.send("committer", ping{static_cast<std::uint64_t>(i), {}});
  }
  actor_context& ctx;
  int count;
};

TEST(node, when_idle_runs_after_the_waiting_messages_so_commits_are_grouped) {
  auto grid = make_node();
  group_committer_state::shared world;
  world.expected = 200;
  auto batches = world.batches.get_future();
  ASSERT_TRUE(grid->spawn_state<group_committer_state>("committer", &world).ok());
  ASSERT_TRUE(grid->spawn_state<burst_sender_state>("sender", 200).ok());
  ASSERT_EQ(batches.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  const std::vector<int> sizes = batches.get();
  // The first ping commits alone or with a few; the rest queue up during that slow commit.
  EXPECT_LE(sizes.size(), 4u) << "commits were not grouped";
  int total = 0;
  for (int n : sizes) total += n;
  EXPECT_EQ(total, 200);
}

TEST(node, an_unhandled_message_type_is_answered_with_unsupported) {
  auto grid = make_node();
  ASSERT_TRUE(grid->spawn_state<silent_state>("silent").ok());
  auto reply = grid->call<health_report>("silent", health_request{}, 2000);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.err().code, error_code::unsupported);
}

// Reads the node's metrics while it is being spawned (must not deadlock against spawn()).
struct metrics_reader_state {
  metrics_reader_state(actor_context& context) : actors_seen(context.node_metrics().size()) {}
  handler_table handlers() { return {}; }
  std::size_t actors_seen;
};

TEST(node, a_state_may_read_node_metrics_while_it_is_spawned) {
  auto grid = make_node();
  ASSERT_TRUE(grid->spawn_state<ponger_state>("ponger").ok());
  ASSERT_TRUE(grid->spawn_state<metrics_reader_state>("reader").ok());
  EXPECT_EQ(grid->metrics().size(), 2u);
  EXPECT_FALSE(grid->spawn_state<ponger_state>("ponger").ok());  // names stay unique
}

// Serves its own PULL socket and a pipe through watches (no timer): counts what arrives on each,
// and unwatches the pipe after its first byte.
struct watcher_state {
  watcher_state(actor_context& context, std::string endpoint, int pipe_fd, std::atomic<int>* messages,
                std::atomic<int>* bytes)
      : ctx(context), socket(own_context, zmq::socket_type::pull), fd(pipe_fd), messages_seen(messages), bytes_seen(bytes) {
    socket.bind(endpoint);
  }
  void on_start() {
    ASSERT_NE(ctx.watch(socket, [this] {
      zmq::message_t frame;
      while (socket.recv(frame, zmq::recv_flags::dontwait)) messages_seen->fetch_add(1);
    }), 0u);
    pipe_watch = ctx.watch_fd(fd, [this] {
      char byte = 0;
      while (::read(fd, &byte, 1) == 1) bytes_seen->fetch_add(1);
      ctx.unwatch(pipe_watch);  // from inside its own callback
    });
    ASSERT_NE(pipe_watch, 0u);
  }
  handler_table handlers() { return {}; }
  actor_context& ctx;
  zmq::context_t own_context{1};
  zmq::socket_t socket;
  int fd;
  watch_id pipe_watch = 0;
  std::atomic<int>* messages_seen;
  std::atomic<int>* bytes_seen;
};

template <class Predicate>
bool eventually(Predicate done, std::chrono::milliseconds within = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + within;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

TEST(node, a_watched_socket_or_fd_wakes_its_actor_and_an_unwatched_one_does_not) {
  const std::string endpoint = "ipc:///tmp/infergrid-watch-test-" + std::to_string(::getpid());
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_NONBLOCK), 0);
  std::atomic<int> messages{0};
  std::atomic<int> bytes{0};
  auto grid = make_node();
  ASSERT_TRUE(grid->spawn_state<watcher_state>("watcher", endpoint, pipe_fds[0], &messages, &bytes).ok());
  zmq::context_t outside(1);
  zmq::socket_t push(outside, zmq::socket_type::push);
  push.connect(endpoint);
  for (int i = 0; i < 300; ++i) (void)push.send(zmq::str_buffer("x"), zmq::send_flags::none);
  EXPECT_TRUE(eventually([&] { return messages.load() == 300; })) << messages.load() << " of 300 arrived";
  ASSERT_EQ(::write(pipe_fds[1], "a", 1), 1);
  EXPECT_TRUE(eventually([&] { return bytes.load() == 1; }));
  // Unwatched after its first byte: a second byte stays in the pipe, and the socket still works.
  ASSERT_EQ(::write(pipe_fds[1], "b", 1), 1);
  (void)push.send(zmq::str_buffer("y"), zmq::send_flags::none);
  EXPECT_TRUE(eventually([&] { return messages.load() == 301; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(bytes.load(), 1);
  grid->stop();
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
  std::filesystem::remove("/tmp/infergrid-watch-test-" + std::to_string(::getpid()));
}

// Two nodes over tcp: `visitor` knows `hub` from its config, the hub learns the visitor from its
// traffic. Once the visitor is silent for learned_peer_idle_ms the hub forgets it, and learns it
// again when it next sends.
TEST(node, a_silent_learned_node_is_forgotten_and_learned_again_when_it_sends) {
  node_config hub_config = in_process_config("hub");
  hub_config.bind = "tcp://127.0.0.1:*";
  hub_config.security.transport = transport_mode::plaintext;
  hub_config.limits.learned_peer_idle_ms = 1000;
  auto hub = make_node(hub_config);
  ASSERT_TRUE(hub->spawn_state<ponger_state>("ponger").ok());
  node_config visitor_config = in_process_config("visitor");
  visitor_config.bind = "tcp://127.0.0.1:*";
  visitor_config.security.transport = transport_mode::plaintext;
  visitor_config.peers.push_back(peer_config{"hub", hub->endpoint(), {"ponger"}, std::nullopt, {}});
  auto visitor = make_node(visitor_config);

  EXPECT_EQ(hub->names().learned_peer_count(), 0u);
  auto first = visitor->call<pong>("hub/ponger", ping{1, {}}, 5000);
  ASSERT_TRUE(first.ok()) << first.err().message;
  EXPECT_EQ(hub->names().learned_peer_count(), 1u);
  EXPECT_TRUE(hub->names().resolve("visitor/anyone").ok());
  // A node that keeps sending stays known past the idle time.
  for (int i = 0; i < 8; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ASSERT_TRUE(visitor->call<pong>("hub/ponger", ping{2, {}}, 5000).ok());
  }
  EXPECT_TRUE(hub->names().resolve("visitor/anyone").ok());
  // Silent: forgotten (the ingress looks every second), configured peers are not.
  EXPECT_TRUE(eventually([&] { return hub->names().learned_peer_count() == 0; }, std::chrono::seconds(10)));
  EXPECT_FALSE(hub->names().resolve("visitor/anyone").ok());
  EXPECT_TRUE(visitor->names().resolve("hub/ponger").ok());
  // Sends again: learned again at once, and its reply finds it.
  auto again = visitor->call<pong>("hub/ponger", ping{3, {}}, 5000);
  ASSERT_TRUE(again.ok()) << again.err().message;
  EXPECT_EQ(hub->names().learned_peer_count(), 1u);
  visitor->stop();
  hub->stop();
}

}  // namespace
}  // namespace infergrid

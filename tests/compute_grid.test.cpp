// The compute layer end to end with real processes and sockets: a hub process (matchmaker +
// gateway) and stories260k worker processes. Requests go through the client library exactly as
// `infergrid ask` sends them; outputs are compared with the CPU reference's greedy generation, and
// the requests that ask for logprobs get exactly one entry per token, failovers included.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include <zmq.hpp>

#include "actors/gateway/client/client_wire.hpp"
#include "actors/gateway/client/infergrid_client.hpp"
#include "actors/gpu_worker/reference_completion.test.hpp"
#include "messages/system.hpp"
#include "tests/compute_grid.hpp"

namespace infergrid::compute_testing {
namespace {

constexpr std::int64_t startup_timeout_ms = 60000;  // worker processes load the model on lavapipe
constexpr std::int64_t request_timeout_ms = 120000;

const std::vector<std::string>& prompts() {
  static const std::vector<std::string> p{"Once upon a time", "The little dog", "Lily wanted to", "One day, Tom",
                                          "The sun was"};
  return p;
}

const gpu_worker::testing::reference_completion& reference(const std::string& prompt, std::uint32_t max_tokens) {
  return gpu_worker::testing::greedy_reference(stories260k_model_path(), prompt, max_tokens);
}

inference_request make_request(const std::string& prompt, std::uint32_t max_tokens) {
  inference_request r;
  r.model = "stories260k";
  r.prompt = prompt;
  r.max_tokens = max_tokens;
  r.sampling.temperature = 0;
  return r;
}

bool workers_ready(compute_grid& grid, std::uint32_t count) {
  return grid.wait_for_supply([count](const supply_report& s) { return !s.models.empty() && s.models[0].workers == count; },
                              startup_timeout_ms);
}

struct outcome {
  result<completion_result> answer = make_error(error_code::internal, "not run");
  std::string prompt;
  std::uint32_t max_tokens = 0;
  bool logprobs = false;
};

// Runs `count` streaming requests at once (one client per thread); `on_chunk` sees every chunk.
std::vector<outcome> run_concurrently(compute_grid& grid, std::size_t count, std::uint32_t max_tokens,
                                      const std::function<void(std::size_t, const token_chunk&)>& on_chunk = {}) {
  std::vector<outcome> out(count);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < count; ++i) {
    threads.emplace_back([&, i] {
      infergrid_client client(grid.gateway_endpoint());
      out[i].prompt = prompts()[i % prompts().size()];
      out[i].max_tokens = max_tokens;
      auto request = make_request(out[i].prompt, max_tokens);
      // Half the streamed and half the whole requests ask for logprobs.
      out[i].logprobs = request.logprobs = i % 4 < 2;
      request.top_logprobs = request.logprobs ? 2 : 0;
      if (i % 2 == 0) {
        out[i].answer = client.stream(request, [&](const token_chunk& c) {
          if (on_chunk) on_chunk(i, c);
          return true;
        }, request_timeout_ms);
      } else {
        out[i].answer = client.complete(request, request_timeout_ms);
      }
    });
  }
  for (auto& t : threads) t.join();
  return out;
}

void expect_all_match_reference(const std::vector<outcome>& outcomes) {
  for (const auto& o : outcomes) {
    ASSERT_TRUE(o.answer.ok()) << o.prompt << ": " << o.answer.err().message;
    const auto& expected = reference(o.prompt, o.max_tokens);
    EXPECT_EQ(o.answer->tokens, expected.tokens) << o.prompt;
    EXPECT_EQ(o.answer->text, expected.text) << o.prompt;
    if (!o.logprobs) {
      EXPECT_TRUE(o.answer->logprobs.empty()) << o.prompt;
      continue;
    }
    ASSERT_EQ(o.answer->logprobs.size(), o.answer->tokens.size()) << o.prompt;
    for (std::size_t i = 0; i < o.answer->tokens.size(); ++i) {
      const auto& entry = o.answer->logprobs[i];
      EXPECT_EQ(entry.chosen.token, o.answer->tokens[i]) << o.prompt << ", token " << i;
      ASSERT_EQ(entry.top.size(), 2u) << o.prompt << ", token " << i;
      EXPECT_EQ(entry.top[0].token, entry.chosen.token) << o.prompt << ", token " << i << " (greedy)";
    }
  }
}

TEST(compute_grid, fifty_concurrent_requests_on_three_workers_equal_the_greedy_reference) {
  compute_grid grid("fifty");
  for (int i = 0; i < 3; ++i) grid.add_worker();
  ASSERT_TRUE(workers_ready(grid, 3));
  const auto outcomes = run_concurrently(grid, 50, 24);
  expect_all_match_reference(outcomes);
  std::set<std::string> used;
  for (const auto& o : outcomes) {
    if (o.answer.ok()) used.insert(o.answer->worker_ids.begin(), o.answer->worker_ids.end());
  }
  EXPECT_EQ(used.size(), 3u) << "the load spreads over every worker";
  auto supply = grid.supply();
  ASSERT_TRUE(supply.ok());
  EXPECT_EQ(supply->models[0].running, 0u);
  EXPECT_EQ(supply->models[0].queued, 0u);
}

// Kills (or stops) the worker that streams first, mid-stream, and checks every request still
// completes with exactly the reference tokens, some of them served by two workers.
void fail_a_worker_mid_stream(int signal_number, const char* name) {
  compute_grid grid(name);
  for (int i = 0; i < 3; ++i) grid.add_worker({.slots = 4, .context_size = 512, .price_completion_micro = 200, .chunk_tokens = 1});
  ASSERT_TRUE(workers_ready(grid, 3));
  std::atomic<bool> failed{false};
  std::mutex mutex;
  std::size_t victim = 3;
  const auto outcomes = run_concurrently(grid, 12, 160, [&](std::size_t, const token_chunk& chunk) {
    if (chunk.index < 8 || failed.exchange(true)) return;
    std::lock_guard lock(mutex);
    victim = grid.worker_index(chunk.worker_id);
    if (victim < 3) grid.worker_process(victim).signal(signal_number);
  });
  ASSERT_TRUE(failed.load());
  ASSERT_LT(victim, 3u);
  expect_all_match_reference(outcomes);
  std::size_t resumed = 0;
  for (const auto& o : outcomes) {
    if (o.answer.ok() && o.answer->worker_ids.size() > 1) ++resumed;
  }
  EXPECT_GT(resumed, 0u) << "at least one request moved to another worker mid-stream";
  EXPECT_TRUE(grid.wait_for_supply([](const supply_report& s) { return s.evictions >= 1; }, 5000));
}

TEST(compute_grid, kill_9_of_a_worker_mid_stream_every_request_still_completes_exactly) {
  fail_a_worker_mid_stream(SIGKILL, "kill9");
}

TEST(compute_grid, hung_worker_is_detected_and_its_jobs_rerouted) { fail_a_worker_mid_stream(SIGSTOP, "sigstop"); }

// A worker killed and started again under the same node name and key (on a new port) is reached
// at its new endpoint at once: the hub's cached routes to the old process are dropped (before, the
// hub kept sending to the dead socket and every dispatch waited for its timeout).
TEST(compute_grid, a_worker_restarted_under_the_same_name_rejoins_and_serves) {
  compute_grid grid("rejoin");
  const std::size_t worker = grid.add_worker();
  ASSERT_TRUE(workers_ready(grid, 1));
  ASSERT_TRUE(grid.restart_worker(worker, startup_timeout_ms)) << "the restarted worker was never registered";
  infergrid_client client(grid.gateway_endpoint());
  for (const std::string prompt : {"Once upon a time", "The little dog"}) {
    auto answer = client.complete(make_request(prompt, 16), request_timeout_ms);
    ASSERT_TRUE(answer.ok()) << answer.err().message;
    EXPECT_EQ(answer->tokens, reference(prompt, 16).tokens) << prompt;
    EXPECT_EQ(answer->worker_ids, std::vector<std::string>{grid.worker_id(worker)});
  }
}

TEST(compute_grid, no_worker_for_the_model_and_malformed_requests_get_clear_errors) {
  compute_grid grid("errors");
  grid.add_worker();
  ASSERT_TRUE(workers_ready(grid, 1));
  infergrid_client client(grid.gateway_endpoint());

  auto request = make_request("hi", 4);
  request.model = "llama-70b";
  auto unknown = client.complete(request, 10000);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.err().code, error_code::not_found);
  EXPECT_NE(unknown.err().message.find("no worker serves model 'llama-70b'"), std::string::npos) << unknown.err().message;

  request = make_request("hi", 0);
  auto zero = client.complete(request, 10000);
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.err().message.find("max_tokens"), std::string::npos) << zero.err().message;

  request = make_request("hi", 4);
  request.prompt_tokens = {1, 5000000};
  auto bad_token = client.complete(request, 10000);
  ASSERT_FALSE(bad_token.ok());
  EXPECT_NE(bad_token.err().message.find("outside the vocabulary"), std::string::npos) << bad_token.err().message;

  request = make_request("hi", 4);
  request.routing.max_price_completion_micro = 10;  // the worker asks 200
  auto too_cheap = client.complete(request, 10000);
  ASSERT_FALSE(too_cheap.ok());
  EXPECT_NE(too_cheap.err().message.find("max_price_completion_micro=10 excluded"), std::string::npos)
      << too_cheap.err().message;

  // Raw garbage and a wrong message type on a REQ socket.
  zmq::context_t context(1);
  for (const auto& payload : {std::vector<std::uint8_t>{0xde, 0xad, 0xbe, 0xef},
                              encode_client_message(ping{1, {}}, 1, 0, client_sender_name)}) {
    zmq::socket_t req(context, zmq::socket_type::req);
    req.set(zmq::sockopt::linger, 0);
    req.set(zmq::sockopt::rcvtimeo, 10000);
    req.connect(grid.gateway_endpoint());
    (void)req.send(zmq::buffer(payload), zmq::send_flags::none);
    zmq::message_t reply;
    ASSERT_TRUE(req.recv(reply).has_value());
    auto in = decode_envelope({static_cast<const std::uint8_t*>(reply.data()), reply.size()});
    ASSERT_TRUE(in.ok());
    auto error = actor_context::decode_reply<completion_result>(*in);
    ASSERT_FALSE(error.ok());
    EXPECT_TRUE(error.err().code == error_code::malformed_input || error.err().code == error_code::unsupported)
        << error.err().message;
  }
  // The grid still serves after all that.
  auto fine = client.complete(make_request("Once upon a time", 8), request_timeout_ms);
  ASSERT_TRUE(fine.ok()) << fine.err().message;
  EXPECT_EQ(fine->tokens, reference("Once upon a time", 8).tokens);
  // An embedding through the same REQ client: one completion_result carrying the unit vector.
  auto vector_request = make_request("Once upon a time", 0);
  vector_request.embedding = true;
  auto embedded = client.complete(vector_request, request_timeout_ms);
  ASSERT_TRUE(embedded.ok()) << embedded.err().message;
  EXPECT_TRUE(embedded->tokens.empty());
  EXPECT_EQ(embedded->finish_reason, "stop");
  ASSERT_EQ(embedded->embedding.size(), 64u);  // stories260k's hidden width
  double squares = 0;
  for (float x : embedded->embedding) squares += double{x} * x;
  EXPECT_NEAR(squares, 1.0, 1e-5);
}

}  // namespace
}  // namespace infergrid::compute_testing

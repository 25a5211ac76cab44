// The bridge's HTTP layer over real sockets, with a fake actor thread (fake_grid) in place of the
// matchmaker: auth, validation, limits, streaming, cancellation and billing as a client sees them.
#include "actors/http_bridge/http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "runtime/log.hpp"

namespace infergrid::http {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;

constexpr const char* keys_yaml = R"(
accounts:
  - name: alice
    keys: [sk-alice]
    balance_micro: 1000000
  - name: poor
    keys: [sk-poor]
    balance_micro: 1
  - name: limited
    keys: [sk-limited]
    balance_micro: 1000000
    rate_limit_per_minute: 60
    rate_limit_burst: 2
)";

// Answers submits like a grid would: model "counter" streams max_tokens pieces "t0 ", "t1 ", ...
// (one token each, with its logprob -i and top_logprobs alternatives when asked); model "endless"
// streams until cancelled; "broken" fails after its first piece; "tiny" refuses the prompt; "lost"
// fails as a job whose worker was lost (unavailable: a 429 `overloaded`).
token_logprob counter_logprob(const std::string& piece, std::int64_t i, std::int32_t top_count) {
  token_logprob out{{static_cast<std::int32_t>(i), piece, -static_cast<float>(i)}, {}};
  for (std::int32_t rank = 0; rank < top_count; ++rank) {
    out.top.push_back(rank == 0 ? out.chosen : token_probability{1000 + rank, "alt" + std::to_string(rank), -100.0f - rank});
  }
  return out;
}

class fake_grid {
 public:
  explicit fake_grid(bridge_shared& shared) : shared_(shared), thread_([this] { run(); }) {}
  ~fake_grid() {
    stop_ = true;
    thread_.join();
  }
  std::atomic<int> cancels{0};
  std::atomic<int> submits{0};

 private:
  void run() {
    std::vector<std::pair<std::shared_ptr<job_stream>, std::int64_t>> endless;
    while (!stop_) {
      for (auto& command : shared_.inbox.take(64)) {
        if (command.what == bridge_command::kind::cancel) {
          ++cancels;
          std::erase_if(endless, [&](auto& e) { return e.first == command.job; });
          continue;
        }
        ++submits;
        const auto& request = command.request;
        if (request.model == "broken") {
          command.job->push({job_event::kind::text, "t0 ", 1, "", "miner-1", 4});
          command.job->push({job_event::kind::failed, "", 0, "", "", 0,
                             api_error{502, "worker crashed", "api_error", "", "upstream"}});
        } else if (request.model == "lost") {
          command.job->push({job_event::kind::failed, "", 0, "", "", 0,
                             upstream_failure(make_error(error_code::unavailable, "worker miner-1 was lost"))});
        } else if (request.model == "tiny") {  // the worker's context cannot hold the prompt
          command.job->push({job_event::kind::failed, "", 0, "", "", 0,
                             upstream_failure(make_error(error_code::too_large,
                                                         "the prompt has 600 tokens; the context holds 512"))});
        } else if (request.model == "parrot") {  // answers its prompt back; a token per prompt byte
          const auto bytes = static_cast<std::int64_t>(command.prompt.size());
          command.job->push({job_event::kind::text, command.prompt, 1, "", "miner-1", bytes});
          command.job->push({job_event::kind::finished, "", 0, "stop", "miner-1", bytes});
        } else if (request.model == "endless") {
          endless.emplace_back(command.job, 0);
        } else {
          for (std::int64_t i = 0; i < request.max_tokens; ++i) {
            const std::string piece = "t" + std::to_string(i) + " ";
            job_event event{job_event::kind::text, piece, 1, "", "miner-1", 4};
            if (request.logprobs) event.logprobs = {counter_logprob(piece, i, request.top_logprobs)};
            command.job->push(std::move(event));
          }
          command.job->push({job_event::kind::finished, "", 0, "length", "miner-1", 4});
        }
      }
      for (auto& [job, count] : endless) job->push({job_event::kind::text, "x", 1, "", "miner-2", 3}), ++count;
      std::this_thread::sleep_for(milliseconds(endless.empty() ? 1 : 5));
    }
  }
  bridge_shared& shared_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

account_book test_book() {
  auto book = account_book::parse(keys_yaml, "keys.yaml");
  EXPECT_TRUE(book.ok());
  return std::move(book).value();
}

// Whether /metrics shows `line` within 5 s: a stream is counted when httplib releases it, which
// may be just after the client read its last byte.
bool metrics_show(const std::string& host, int port, const std::string& line) {
  httplib::Client client(host, port);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    auto metrics = client.Get("/metrics");
    if (metrics && metrics->body.find(line) != std::string::npos) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return false;
}

http_bridge_config test_config() {
  http_bridge_config config;
  config.port = 0;
  config.max_body_bytes = 4096;
  config.rate_limit = {600, 1000};
  return config;
}

class HttpServer : public ::testing::Test {
 protected:
  HttpServer()
      : shared(test_config(), test_book()), server(shared), grid(shared) {
    shared.catalog.update({{"counter", "infergrid", 512, 1}, {"endless", "infergrid", 512, 1},
                           {"broken", "infergrid", 512, 1}, {"tiny", "infergrid", 512, 1},
                           {"parrot", "infergrid", 512, 1}, {"lost", "infergrid", 512, 1}});
    EXPECT_TRUE(server.start().ok());
    client = std::make_unique<httplib::Client>("127.0.0.1", server.port());
    client->set_read_timeout(10, 0);
  }
  ~HttpServer() override { server.stop(); }

  httplib::Headers auth(const std::string& key = "sk-alice") { return {{"Authorization", "Bearer " + key}}; }
  httplib::Result chat(const json& body, const std::string& key = "sk-alice") {
    return client->Post("/v1/chat/completions", auth(key), body.dump(), "application/json");
  }
  static json body_of(const httplib::Result& res) { return json::parse(res->body); }
  static void expect_error(const httplib::Result& res, int status, const std::string& code, const std::string& param = "") {
    ASSERT_TRUE(res) << "no response";
    EXPECT_EQ(res->status, status) << res->body;
    auto body = body_of(res);
    ASSERT_TRUE(body.contains("error")) << res->body;
    EXPECT_TRUE(body["error"]["message"].is_string());
    EXPECT_TRUE(body["error"]["type"].is_string());
    EXPECT_EQ(body["error"]["code"], code);
    if (param.empty()) EXPECT_TRUE(body["error"]["param"].is_null()) << res->body;
    else EXPECT_EQ(body["error"]["param"], param);
  }

  bridge_shared shared;
  http_server server;
  fake_grid grid;
  std::unique_ptr<httplib::Client> client;
};

const json hello = {{"model", "counter"}, {"messages", {{{"role", "user"}, {"content", "hi"}}}}, {"max_tokens", 3}};

TEST_F(HttpServer, HealthAndMetrics) {
  auto health = client->Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(body_of(health)["status"], "ok");
  EXPECT_EQ(body_of(health)["workers"], 6);
  (void)chat(hello);
  auto metrics = client->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("infergrid_http_requests_total{route=\"/v1/chat/completions\",status=\"200\"} 1"),
            std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("infergrid_workers{model=\"counter\"} 1"), std::string::npos);
}

TEST_F(HttpServer, ModelsNeedAKey) {
  expect_error(client->Get("/v1/models"), 401, "missing_api_key");
  expect_error(client->Get("/v1/models", auth("sk-wrong")), 401, "invalid_api_key");
  auto models = client->Get("/v1/models", auth());
  ASSERT_TRUE(models);
  EXPECT_EQ(models->status, 200);
  EXPECT_EQ(body_of(models)["data"].size(), 6u);
  EXPECT_EQ(body_of(models)["data"][0]["context_length"], 512);
  auto lowercase = client->Get("/v1/models", {{"Authorization", "bearer sk-alice"}});  // RFC 9110 §11.1
  ASSERT_TRUE(lowercase);
  EXPECT_EQ(lowercase->status, 200);
}

TEST_F(HttpServer, WholeChatCompletion) {
  auto res = chat(hello);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  auto body = body_of(res);
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_EQ(body["choices"][0]["message"]["content"], "t0 t1 t2 ");
  EXPECT_EQ(body["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(body["usage"]["prompt_tokens"], 4);
  EXPECT_EQ(body["usage"]["completion_tokens"], 3);
  EXPECT_EQ(body["miner"], "miner-1");
  EXPECT_EQ(shared.accounts.view("alice")->usage.completion_tokens, 3);
}

TEST_F(HttpServer, TextCompletion) {
  auto res = client->Post("/v1/completions", auth(), R"({"model":"counter","prompt":"Once","max_tokens":2})",
                          "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(body_of(res)["object"], "text_completion");
  EXPECT_EQ(body_of(res)["choices"][0]["text"], "t0 t1 ");
}

// OpenAI (and LangChain's OpenAI.generate) send several prompts at once: n choices for each, choice i
// of prompt p at index p * n + i, usage counting each prompt once.
TEST_F(HttpServer, TextCompletionOfSeveralPrompts) {
  auto res = client->Post("/v1/completions", auth(), R"({"model":"parrot","prompt":["Once","The cat"],"n":2})",
                          "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const auto body = body_of(res);
  ASSERT_EQ(body["choices"].size(), 4u) << res->body;
  const std::vector<std::string> texts = {"Once", "Once", "The cat", "The cat"};
  for (std::size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(body["choices"][i]["index"], i);
    EXPECT_EQ(body["choices"][i]["text"], texts[i]);
  }
  EXPECT_EQ(body["usage"]["prompt_tokens"], 4 + 7);
  EXPECT_EQ(body["usage"]["completion_tokens"], 4);
}

std::vector<json> sse_payloads(const std::string& stream, bool& saw_done) {
  std::vector<json> out;
  saw_done = false;
  std::size_t at = 0;
  while ((at = stream.find("data: ", at)) != std::string::npos) {
    const auto end = stream.find("\n\n", at);
    const std::string payload = stream.substr(at + 6, end - at - 6);
    if (payload == "[DONE]") saw_done = true;
    else out.push_back(json::parse(payload));
    at = end;
  }
  return out;
}

TEST_F(HttpServer, StreamedChatEndsWithDoneAndUsage) {
  json body = hello;
  body["stream"] = true;
  body["stream_options"] = {{"include_usage", true}};
  auto res = chat(body);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/event-stream");
  bool done = false;
  auto chunks = sse_payloads(res->body, done);
  EXPECT_TRUE(done);
  ASSERT_EQ(chunks.size(), 6u) << res->body;  // role, 3 pieces, finish, usage
  EXPECT_EQ(chunks[0]["choices"][0]["delta"]["role"], "assistant");
  std::string text;
  for (std::size_t i = 1; i <= 3; ++i) text += chunks[i]["choices"][0]["delta"]["content"].get<std::string>();
  EXPECT_EQ(text, "t0 t1 t2 ");
  EXPECT_EQ(chunks[4]["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(chunks[5]["usage"]["completion_tokens"], 3);
  EXPECT_TRUE(chunks[5]["choices"].empty());
}

TEST_F(HttpServer, ChatLogprobsWholeAndStreamed) {
  json body = hello;
  body["logprobs"] = true;
  body["top_logprobs"] = 2;
  auto whole = chat(body);
  ASSERT_TRUE(whole);
  ASSERT_EQ(whole->status, 200) << whole->body;
  const auto content = body_of(whole)["choices"][0]["logprobs"]["content"];
  ASSERT_EQ(content.size(), 3u) << whole->body;
  EXPECT_EQ(content[2]["token"], "t2 ");
  EXPECT_EQ(content[2]["logprob"], -2.0);
  EXPECT_EQ(content[2]["top_logprobs"].size(), 2u);
  EXPECT_EQ(content[2]["top_logprobs"][1]["token"], "alt1");
  EXPECT_TRUE(body_of(chat(hello))["choices"][0]["logprobs"].is_null());

  body["stream"] = true;
  auto streamed = chat(body);
  ASSERT_TRUE(streamed);
  bool done = false;
  auto chunks = sse_payloads(streamed->body, done);
  ASSERT_EQ(chunks.size(), 5u) << streamed->body;  // role, 3 pieces, finish
  EXPECT_TRUE(chunks[0]["choices"][0]["logprobs"].is_null());
  for (std::size_t i = 1; i <= 3; ++i) {
    const auto& piece = chunks[i]["choices"][0]["logprobs"]["content"];
    ASSERT_EQ(piece.size(), 1u) << chunks[i];
    EXPECT_EQ(piece[0]["token"], chunks[i]["choices"][0]["delta"]["content"]);
  }
  EXPECT_TRUE(chunks[4]["choices"][0]["logprobs"].is_null());
}

TEST_F(HttpServer, TextLogprobsStreamedContinueTheOffsets) {
  auto res = client->Post("/v1/completions", auth(),
                          R"({"model":"counter","prompt":"Once","max_tokens":3,"logprobs":1,"stream":true})",
                          "application/json");
  ASSERT_TRUE(res);
  bool done = false;
  auto chunks = sse_payloads(res->body, done);
  ASSERT_EQ(chunks.size(), 4u) << res->body;  // 3 pieces, finish
  json offsets = json::array();
  for (std::size_t i = 0; i < 3; ++i) offsets.push_back(chunks[i]["choices"][0]["logprobs"]["text_offset"][0]);
  EXPECT_EQ(offsets, json::array({0, 3, 6}));
  EXPECT_EQ(chunks[1]["choices"][0]["logprobs"]["top_logprobs"][0], json::parse(R"({"t1 ":-1.0})"));
}

TEST_F(HttpServer, FailureMidStreamIsAnErrorEvent) {
  auto res = chat({{"model", "broken"}, {"messages", {{{"role", "user"}, {"content", "x"}}}}, {"stream", true}});
  ASSERT_TRUE(res);
  bool done = false;
  auto chunks = sse_payloads(res->body, done);
  ASSERT_EQ(chunks.size(), 3u) << res->body;  // role, the first piece, the error
  EXPECT_EQ(chunks[1]["choices"][0]["delta"]["content"], "t0 ");
  EXPECT_EQ(chunks.back()["error"]["message"], "worker crashed");
  // Logged and counted with the error's status, not 200; no client went away.
  EXPECT_TRUE(metrics_show("127.0.0.1", server.port(),
                           "infergrid_http_requests_total{route=\"/v1/chat/completions\",status=\"502\"} 1"));
  EXPECT_TRUE(metrics_show("127.0.0.1", server.port(), "infergrid_http_cancelled_total 0\n"));
  auto whole = chat({{"model", "broken"}, {"messages", {{{"role", "user"}, {"content", "x"}}}}});
  expect_error(whole, 502, "upstream");
}

// The access line of an answer outside 2xx names the API error: a lost worker's 429 (overloaded)
// reads differently from a rate limit's (rate_limit_exceeded, with the key's account); a failure mid-stream and a refusal
// of the edge (404) name theirs too; a 200 has no error field.
TEST_F(HttpServer, AccessLogNamesTheErrorOfAnAnswerOutside2xx) {
  ::testing::internal::CaptureStderr();
  expect_error(chat({{"model", "lost"}, {"messages", {{{"role", "user"}, {"content", "x"}}}}}), 429, "overloaded");
  auto headers = auth("sk-limited");  // burst 2
  for (int i = 0; i < 3; ++i) (void)client->Get("/v1/models", headers);
  expect_error(chat({{"model", "counter"}, {"messages", {{{"role", "user"}, {"content", "x"}}}}}, "sk-limited"), 429,
               "rate_limit_exceeded");
  auto streamed = chat({{"model", "broken"}, {"messages", {{{"role", "user"}, {"content", "x"}}}}, {"stream", true}});
  ASSERT_TRUE(streamed);
  EXPECT_TRUE(metrics_show("127.0.0.1", server.port(),
                           "infergrid_http_requests_total{route=\"/v1/chat/completions\",status=\"502\"} 1"));
  (void)client->Get("/no/such/route");
  (void)chat(hello);
  flush_batched_log();
  const std::string log = ::testing::internal::GetCapturedStderr();
  auto line_with = [&](const std::string& needle) {
    for (std::size_t at = 0, end = 0; at < log.size(); at = end + 1) {
      end = log.find('\n', at);
      if (end == std::string::npos) end = log.size();
      const std::string line = log.substr(at, end - at);
      if (line.find(needle) != std::string::npos) return line;
    }
    return std::string();
  };
  const std::string lost = line_with("model=lost");
  EXPECT_NE(lost.find("status=429"), std::string::npos) << log;
  EXPECT_NE(lost.find("error=overloaded reason=\"worker miner-1 was lost\""), std::string::npos) << log;
  // A rate-limited key is known: its line names the account (it read account=- before).
  const std::string limited = line_with("path=/v1/models account=limited model=- miner=- status=429");
  EXPECT_NE(limited.find("error=rate_limit_exceeded reason=\"Rate limit reached"), std::string::npos) << log;
  EXPECT_NE(line_with("path=/v1/chat/completions account=limited model=- miner=- status=429"), "") << log;
  EXPECT_NE(line_with("status=502").find("error=upstream reason=\"worker crashed\""), std::string::npos) << log;
  const std::string unknown = line_with("path=/no/such/route");
  EXPECT_NE(unknown.find("status=404"), std::string::npos) << log;
  EXPECT_NE(unknown.find("error=unknown_url reason=\"Unknown route: GET /no/such/route\""), std::string::npos) << log;
  const std::string served = line_with("model=counter");
  EXPECT_NE(served.find("status=200"), std::string::npos) << log;
  EXPECT_EQ(served.find("error="), std::string::npos) << served;
}

// Access lines are info lines: INFERGRID_LOG=warn (the process level) leaves them out, for a
// served request and a failed one alike; back at info they are written again.
TEST_F(HttpServer, AccessLinesFollowTheLogLevel) {
  flush_batched_log();
  set_log_level(log_level::warn);
  ::testing::internal::CaptureStderr();
  (void)chat(hello);
  expect_error(chat({{"model", "lost"}, {"messages", {{{"role", "user"}, {"content", "x"}}}}}), 429, "overloaded");
  (void)client->Get("/health");
  flush_batched_log();
  const std::string at_warn = ::testing::internal::GetCapturedStderr();
  set_log_level(log_level::info);
  EXPECT_EQ(at_warn.find("access id="), std::string::npos) << at_warn;
  ::testing::internal::CaptureStderr();
  (void)client->Get("/health");
  flush_batched_log();
  const std::string at_info = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(at_info.find("access id=- method=GET path=/health"), std::string::npos) << at_info;
}

TEST_F(HttpServer, ClientGoneMidStreamCancelsAndBillsOnlyDelivered) {
  httplib::Request req;
  req.method = "POST";
  req.path = "/v1/chat/completions";
  req.headers = auth();
  req.body = json{{"model", "endless"}, {"messages", {{{"role", "user"}, {"content", "x"}}}}, {"stream", true}}.dump();
  req.set_header("Content-Type", "application/json");
  std::size_t received = 0;
  req.content_receiver = [&](const char*, std::size_t size, std::uint64_t, std::uint64_t) {
    received += size;
    return received < 2000;  // hang up after a few chunks
  };
  httplib::Response res;
  httplib::Error failure = httplib::Error::Success;
  (void)client->send(req, res, failure);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (grid.cancels.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(grid.cancels.load(), 1);
  while (shared.accounts.view("alice")->usage.requests == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  auto alice = shared.accounts.view("alice");
  EXPECT_EQ(alice->usage.requests, 1);
  EXPECT_GT(alice->usage.completion_tokens, 0);
  EXPECT_EQ(alice->reserved_micro, 0);
  // Counted as the client's leaving (499, as whole answers are), not as a 200.
  EXPECT_TRUE(metrics_show("127.0.0.1", server.port(),
                           "infergrid_http_requests_total{route=\"/v1/chat/completions\",status=\"499\"} 1"));
  EXPECT_TRUE(metrics_show("127.0.0.1", server.port(), "infergrid_http_cancelled_total 1\n"));
}

// A client that gives up on a whole (not streamed) answer: the job is cancelled at once, not run
// to the request timeout on a thread (nobody reads its answer), and nothing stays reserved.
TEST_F(HttpServer, ClientGoneBeforeAWholeAnswerCancelsTheJob) {
  const std::string body =
      json{{"model", "endless"}, {"messages", {{{"role", "user"}, {"content", "x"}}}}, {"max_tokens", 200}}.dump();
  const std::string request = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-alice\r\n"
                              "Content-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
  httplib::Client probe("127.0.0.1", server.port());
  const int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(server.port()));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  ASSERT_EQ(::connect(sock, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::send(sock, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (grid.submits.load() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(milliseconds(5));
  ASSERT_EQ(grid.submits.load(), 1);
  const auto left = std::chrono::steady_clock::now();
  ::close(sock);
  while (grid.cancels.load() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(milliseconds(5));
  EXPECT_EQ(grid.cancels.load(), 1) << "the job ran on after its client left";
  EXPECT_LT(std::chrono::steady_clock::now() - left, milliseconds(1000));
  while (shared.accounts.view("alice")->usage.requests == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(shared.accounts.view("alice")->reserved_micro, 0);
  auto metrics = probe.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("status=\"499\""), std::string::npos) << "the abandoned request was not counted as 499";
}

TEST_F(HttpServer, ErrorsInOpenAiShape) {
  expect_error(chat(hello, "sk-nope"), 401, "invalid_api_key");
  auto no_key = client->Post("/v1/chat/completions", hello.dump(), "application/json");
  expect_error(no_key, 401, "missing_api_key");
  expect_error(client->Post("/v1/chat/completions", auth(), "{oops", "application/json"), 400, "invalid_json");
  expect_error(chat({{"model", "counter"}, {"messages", {{{"role", "robot"}, {"content", "x"}}}}}), 400, "invalid_value",
               "messages[0].role");
  expect_error(chat({{"model", "nope"}, {"messages", {{{"role", "user"}, {"content", "x"}}}}}), 404, "model_not_found",
               "model");
  expect_error(chat(hello, "sk-poor"), 402, "insufficient_balance");
  json top_without_logprobs = hello;
  top_without_logprobs["top_logprobs"] = 2;
  expect_error(chat(top_without_logprobs), 400, "invalid_value", "top_logprobs");
  auto too_large = client->Post("/v1/chat/completions", auth(), std::string(5000, ' '), "application/json");
  expect_error(too_large, 413, "request_too_large");
  // The body was not read whole: the connection closes after the answer, and says so, so that a
  // keep-alive client does not send its next request into it.
  ASSERT_TRUE(too_large);
  EXPECT_EQ(too_large->get_header_value("Connection"), "close");
  expect_error(client->Get("/v2/nothing"), 404, "unknown_url");
  // A prompt beyond the context is the client's to fix: 400 as OpenAI answers it, so SDKs do not retry.
  expect_error(chat({{"model", "tiny"}, {"messages", {{{"role", "user"}, {"content", "x"}}}}}), 400,
               "context_length_exceeded", "messages");
  // Streamed too: the worker's refusal comes before the first token, so it is the response's status
  // (not 200 and an error event), as OpenAI's streams answer it.
  expect_error(chat({{"model", "tiny"}, {"messages", {{{"role", "user"}, {"content", "x"}}}}, {"stream", true}}), 400,
               "context_length_exceeded", "messages");
  expect_error(client->Post("/v1/completions", auth(), R"({"model":"tiny","prompt":"x"})", "application/json"), 400,
               "context_length_exceeded", "prompt");
  expect_error(client->Get("/v1/models/", auth()), 404, "unknown_url");
  EXPECT_EQ(shared.accounts.view("poor")->reserved_micro, 0);
}

// A browser page on another origin may call the API: its preflight is answered 204 (not 405), and
// every answer — a completion, a stream, an error, an unknown route — says which origin may read it.
TEST_F(HttpServer, BrowsersMayCallTheApiFromAnotherOrigin) {
  const httplib::Headers preflight = {{"Origin", "http://localhost:5173"}, {"Access-Control-Request-Method", "POST"},
                                      {"Access-Control-Request-Headers", "authorization, content-type"}};
  auto options = client->Options("/v1/chat/completions", preflight);
  ASSERT_TRUE(options);
  EXPECT_EQ(options->status, 204) << options->body;
  EXPECT_EQ(options->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_NE(options->get_header_value("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_NE(options->get_header_value("Access-Control-Allow-Headers").find("Authorization, Content-Type"),
            std::string::npos);
  EXPECT_FALSE(options->get_header_value("Access-Control-Max-Age").empty());
  httplib::Headers from_page = auth();
  from_page.emplace("Origin", "http://localhost:5173");
  json streamed = hello;
  streamed["stream"] = true;
  auto readable = [](const std::string& what, const httplib::Result& res) {
    ASSERT_TRUE(res) << what;
    EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "*") << what << " " << res->status;
    EXPECT_EQ(res->headers.count("Access-Control-Allow-Origin"), 1u) << what;
  };
  readable("whole", client->Post("/v1/chat/completions", from_page, hello.dump(), "application/json"));
  readable("stream", client->Post("/v1/chat/completions", from_page, streamed.dump(), "application/json"));
  readable("401", client->Post("/v1/chat/completions", {{"Origin", "http://localhost:5173"}}, hello.dump(),
                               "application/json"));
  readable("404", client->Get("/v2/nothing", from_page));
  readable("models", client->Get("/v1/models", from_page));
}

// The dashboard's series counts HTTP requests, each once with its final status: n choices are one
// request, and a request refused before any job ran (401, 400, 404, 402) is an error of its second.
TEST_F(HttpServer, SeriesCountsEachRequestOnceWithItsFinalStatus) {
  auto totals = [&] {
    std::uint64_t requests = 0, errors = 0;
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    for (const auto& point : shared.series.points(now_s.count() + 1, 30)) {
      requests += point.requests;
      errors += point.errors;
    }
    return std::pair{requests, errors};
  };
  json several = hello;
  several["n"] = 3;
  ASSERT_EQ(chat(several)->status, 200);
  EXPECT_EQ(totals(), (std::pair<std::uint64_t, std::uint64_t>{1, 0})) << "n = 3 is one request";
  (void)chat(hello, "sk-nope");                                                               // 401
  (void)chat({{"model", "counter"}, {"messages", {{{"role", "robot"}, {"content", "x"}}}}});  // 400
  (void)chat({{"model", "nope"}, {"messages", {{{"role", "user"}, {"content", "x"}}}}});      // 404
  (void)chat(hello, "sk-poor");                                                               // 402
  EXPECT_EQ(totals(), (std::pair<std::uint64_t, std::uint64_t>{1, 4}));
}

TEST_F(HttpServer, SeriesSecondsMustBeAWholeNumberWithinTheKeptRange) {
  for (const char* bad : {"-1", "1e3", "abc", "0", "601", "+5", " 5", "99999999999999999999999"}) {
    expect_error(client->Get(std::string("/dashboard/api/series?seconds=") + bad), 400, "invalid_value", "seconds");
  }
  for (const auto& [good, points] : std::vector<std::pair<std::string, std::size_t>>{{"1", 1}, {"600", 600}, {"42", 42}}) {
    auto res = client->Get("/dashboard/api/series?seconds=" + good);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << good << ": " << res->body;
    EXPECT_EQ(body_of(res)["seconds"].size(), points) << good;
  }
}

TEST(HttpServerLimits, RateLimitAnswers429WithRetryAfter) {
  bridge_shared shared(test_config(), test_book());  // sk-limited: 60/min, burst 2, from the keys file
  http_server server(shared);
  ASSERT_TRUE(server.start().ok());
  httplib::Client client("127.0.0.1", server.port());
  const httplib::Headers headers = {{"Authorization", "Bearer sk-limited"}};
  EXPECT_EQ(client.Get("/v1/models", headers)->status, 200);
  EXPECT_EQ(client.Get("/v1/models", headers)->status, 200);
  auto limited = client.Get("/v1/models", headers);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->get_header_value("Retry-After"), "1");
  EXPECT_EQ(json::parse(limited->body)["error"]["code"], "rate_limit_exceeded");
  EXPECT_EQ(client.Get("/v1/models", {{"Authorization", "Bearer sk-alice"}})->status, 200);  // other keys unaffected
}

// A second bridge on a port one already listens on must fail to start, not share the port and
// split the requests and scrapes between two grids.
TEST(HttpServerLimits, SecondBridgeOnAUsedPortFailsToStart) {
  bridge_shared first_shared(test_config(), test_book());
  http_server first(first_shared);
  ASSERT_TRUE(first.start().ok());
  auto config = test_config();
  config.port = first.port();
  bridge_shared second_shared(config, test_book());
  http_server second(second_shared);
  auto started = second.start();
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.err().message.find("cannot listen on"), std::string::npos) << started.err().message;
  EXPECT_NE(started.err().message.find("(in use?)"), std::string::npos) << started.err().message;
  httplib::Client client("127.0.0.1", first.port());  // the first still answers every request
  auto health = client.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

// A stream that passes its deadline after its first tokens ends with a timeout error event; the
// request is a 504, and no client went away.
TEST(HttpServerLimits, StreamPastItsDeadlineCountsAs504) {
  auto config = test_config();
  config.request_timeout_ms = 100;
  bridge_shared shared(config, test_book());
  shared.catalog.update({{"endless", "infergrid", 512, 1}});
  http_server server(shared);
  fake_grid grid(shared);
  ASSERT_TRUE(server.start().ok());
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(10, 0);
  auto res = client.Post("/v1/chat/completions", {{"Authorization", "Bearer sk-alice"}},
                         json{{"model", "endless"}, {"messages", {{{"role", "user"}, {"content", "x"}}}}, {"stream", true}}.dump(),
                         "application/json");
  ASSERT_TRUE(res);
  bool done = false;
  auto chunks = sse_payloads(res->body, done);
  ASSERT_FALSE(chunks.empty());
  EXPECT_FALSE(done);
  EXPECT_EQ(chunks.back()["error"]["code"], "timeout") << res->body;
  EXPECT_TRUE(metrics_show("127.0.0.1", server.port(),
                           "infergrid_http_requests_total{route=\"/v1/chat/completions\",status=\"504\"} 1"));
  EXPECT_TRUE(metrics_show("127.0.0.1", server.port(), "infergrid_http_cancelled_total 0\n"));
}

TEST(HttpServerLimits, FullQueueAnswers429) {
  auto config = test_config();
  config.queue_capacity = 1;
  bridge_shared shared(config, test_book());
  http_server server(shared);
  ASSERT_TRUE(server.start().ok());
  // Nobody drains the inbox: the first request waits in it (and times out), the second is refused.
  shared.inbox.push({bridge_command::kind::submit, std::make_shared<job_stream>("occupant"), {}, ""});
  httplib::Client client("127.0.0.1", server.port());
  auto refused = client.Post("/v1/chat/completions", {{"Authorization", "Bearer sk-alice"}}, hello.dump(),
                             "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(refused->get_header_value("Retry-After"), "1");
  EXPECT_EQ(json::parse(refused->body)["error"]["code"], "overloaded");
  EXPECT_EQ(shared.accounts.view("alice")->reserved_micro, 0);
}

}  // namespace
}  // namespace infergrid::http

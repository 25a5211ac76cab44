#pragma once
// reply_session: one completion request from its submission to its last byte — the response's
// choices (`n`, 1..8), each its own job on the grid with its own meter, tool-call parsing and
// stream position, and what they share (response id, deadline, one wake for the waiting HTTP
// thread). Used only by the HTTP thread that serves the request (and httplib's stream callbacks
// on that thread).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "actors/http_bridge/api_error.hpp"
#include "actors/http_bridge/billing.hpp"
#include "actors/http_bridge/bridge_shared.hpp"
#include "actors/http_bridge/job_stream.hpp"
#include "actors/http_bridge/openai_request.hpp"
#include "actors/http_bridge/openai_response.hpp"
#include "actors/http_bridge/reasoning_reply.hpp"
#include "kernels/model/chat/tool_call_parser.hpp"

namespace infergrid::http {

using reply_clock = std::chrono::steady_clock;

std::string route_name(endpoint_kind kind);
api_error shutting_down();
api_error timed_out(std::int64_t timeout_ms);
// The client closed the connection while its answer was being made (499).
api_error client_closed();
bool is_client_closed(const api_error& error);
double seconds_since(reply_clock::time_point start);
// When a request started at `started` stops waiting: request_timeout_ms plus a grace for the actor's
// own timeout event to arrive first.
reply_clock::time_point reply_deadline(const bridge_shared& shared, reply_clock::time_point started);
// A request on a completion route answered before any job ran (401, 400, 404, 402, 413, …): counted
// once in /metrics and the dashboard's series, and its access-log line written (with the error's code).
void count_refused(bridge_shared& shared, const std::string& route, const std::string& account,
                   const std::string& model, const api_error& failure, reply_clock::time_point started);

// One choice: its job, what it has been billed and streamed.
struct choice_session {
  bridge_shared& shared;
  std::shared_ptr<job_stream> job;
  endpoint_kind kind;
  completion_request request;  // this choice's (its own seed when the request named one)
  response_header header;      // the response's id; miner as this choice's worker reported it
  job_meter meter;
  reply_clock::time_point started;
  std::size_t index = 0;
  std::int64_t text_offset = 0;  // completions logprobs: characters of the tokens streamed so far
  bool role_sent = false;  // streaming: the opening chunk (chat role, or the echoed prompt) was sent
  bool ended = false;  // its finished/failed event was handled
  // Tools offered: the reply is parsed for calls in the model family's format (else unsupported).
  chat::tool_format tool_format = {};
  std::optional<chat::tool_call_stream> tool_stream = std::nullopt;
  std::size_t calls_sent = 0;
  // Thinking models: the reply's <think> block goes to reasoning_content, its tokens counted.
  std::optional<reasoning_reply> reasoning = std::nullopt;
  double first_token_s = -1;  // seconds from the start to its first generated token (< 0: none yet)
  // Streaming: the job's first event, awaited (and absorbed) before the response's status is sent.
  std::optional<job_event> pending = std::nullopt;
  reply_clock::time_point client_checked_at{};  // next_event's last look at the connection
  std::string route = route_name(kind);  // the path its access line and the request counter name (/v1/responses too)

  // Ids for the calls the model made (before calls_sent counts them); parallel_tool_calls false:
  // only the first call counts.
  void name_calls(std::vector<chat::tool_call>& calls);
  // tool_choice required or named: the whole output is the call's block (held to its grammar), so
  // a block cut short (max_tokens) is no call and not content either: its markup is dropped.
  bool forced_call() const;
  // OpenAI's finish_reason "tool_calls" unless a named function was forced (OpenAI answers "stop" then).
  std::string finish_reason(const std::string& upstream, bool made_calls) const;
  // Absorbs what the event tells (miner, prompt tokens, price); a failure's `param` is set to the
  // endpoint's own field (context_length_exceeded: `prompt` on /v1/completions, not `messages`).
  void absorb(job_event& event);
  // The job's next event, absorbed; or the error that ends the response: the deadline passed
  // (timed_out), the bridge is closing (shutting_down) or the client left (client_closed: 499, as
  // nginx logs it). Waits in short slices to notice the latter two.
  std::variant<job_event, api_error> next_event(reply_clock::time_point deadline);
  // A text event's reasoning and content (all content unless the model thinks); `tokens` are the
  // ids it completes (those in the <think> block count as reasoning). split_rest: what was held back.
  chat::reasoning_piece split(const std::string& text, const std::vector<std::int32_t>& tokens);
  chat::reasoning_piece split_rest();
  // The client is gone or the response failed: the job is cancelled upstream (once); counted in
  // infergrid_http_cancelled_total only when the client left.
  void abandon(bool client_left);
  // Bills what was delivered and logs the job (its access-log line, with `failure`'s code when
  // there is one); the request is counted by reply_session::finish_all.
  void finish(int status, const api_error* failure = nullptr);
};

// One choice's whole answer (tool calls parsed, the echoed prompt in front with `echo`), or the error
// that ends the response.
std::variant<completion_piece, api_error> collect_answer(choice_session& choice, reply_clock::time_point deadline);

struct reply_session {
  std::vector<std::unique_ptr<choice_session>> choices;
  std::shared_ptr<job_wake> wake = std::make_shared<job_wake>();
  reply_clock::time_point deadline;
  std::size_t choices_per_prompt = 1;  // `n`: choices index * n + i answer prompt index (/v1/completions)
  std::size_t next = 0;  // streaming: the choice polled first next time (round robin)
  bool done = false;     // streaming: the response has ended
  // Streaming: the status its access-log line and request counter take — 200, the error event's
  // status (504 timeout, 502 worker failure, …), or 499 when the client left before the end.
  int status = 200;
  std::optional<api_error> failure;  // streaming: the error that ended it (its access lines name it)

  void abandon_all(bool client_left);
  // Every choice's finish, and the request counted once with its final status (/metrics and the
  // dashboard's series: one request, its choices' completion tokens summed, the first first token).
  void finish_all(int status, const api_error* failure = nullptr);
  void finish_all(const api_error& failure) { finish_all(failure.status, &failure); }
  // OpenAI's usage for n choices: each prompt once, the completions (and reasoning tokens) summed.
  usage_counts usage() const;
};

}  // namespace infergrid::http

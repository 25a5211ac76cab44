#include "actors/http_bridge/reply_session.hpp"

#include <algorithm>

#include "actors/http_bridge/access_log.hpp"
#include "actors/http_bridge/edge_server.hpp"
#include "runtime/actor_runner.hpp"
#include "runtime/identity.hpp"

namespace infergrid::http {

std::string route_name(endpoint_kind kind) {
  switch (kind) {
    case endpoint_kind::chat: return "/v1/chat/completions";
    case endpoint_kind::text: return "/v1/completions";
    case endpoint_kind::embedding: return "/v1/embeddings";
  }
  return "";
}

api_error shutting_down() {
  return {503, "The bridge is shutting down; retry on another one.", "api_error", "", "unavailable"};
}

api_error client_closed() {
  return {499, "The client closed the connection before the answer; the job is cancelled.", "invalid_request_error", "",
          "client_closed_request"};
}

bool is_client_closed(const api_error& error) { return error.code == client_closed().code; }

api_error timed_out(std::int64_t timeout_ms) {
  return {504, "The job did not finish within " + std::to_string(timeout_ms) + " ms.", "api_error", "", "timeout"};
}

double seconds_since(reply_clock::time_point start) {
  return std::chrono::duration<double>(reply_clock::now() - start).count();
}

reply_clock::time_point reply_deadline(const bridge_shared& shared, reply_clock::time_point started) {
  // Time the HTTP thread waits past request_timeout_ms for the actor's own timeout event.
  constexpr std::chrono::milliseconds timeout_grace{2000};
  return started + std::chrono::milliseconds(shared.config.request_timeout_ms) + timeout_grace;
}

void choice_session::name_calls(std::vector<chat::tool_call>& calls) {
  if (!request.tools.parallel && calls_sent + calls.size() > 1) calls.resize(calls_sent == 0 ? 1 : 0);
  for (auto& call : calls) call.id = "call_" + random_hex(12);
}

bool choice_session::forced_call() const {
  return tool_stream.has_value() && request.tools.forces_call();
}

std::string choice_session::finish_reason(const std::string& upstream, bool made_calls) const {
  if (made_calls && upstream == "stop" && request.tools.choice != tool_choice::named) return "tool_calls";
  return upstream;
}

void choice_session::absorb(job_event& event) {
  if (event.what == job_event::kind::failed && event.failure.code == "context_length_exceeded" && kind == endpoint_kind::text) {
    event.failure.param = "prompt";
  }
  if (!event.miner.empty()) header.miner = event.miner;
  if (event.prompt_tokens > 0) meter.prompt_tokens = event.prompt_tokens;
  if (event.price) meter.worker_price = event.price;
  if (first_token_s < 0 && event.what == job_event::kind::text && event.tokens > 0) first_token_s = seconds_since(started);
}

std::variant<job_event, api_error> choice_session::next_event(reply_clock::time_point deadline) {
  // How long a waiting HTTP thread sleeps before it checks the bridge is still running.
  constexpr std::chrono::milliseconds wait_slice{100};
  while (true) {
    const auto now = reply_clock::now();
    if (now >= deadline) return timed_out(shared.config.request_timeout_ms);
    if (shared.closing.load()) return shutting_down();
    if (now - client_checked_at >= wait_slice) {  // a job sending events all the time is checked too
      client_checked_at = now;
      if (client_left()) return client_closed();
    }
    auto slice = std::min(wait_slice, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
    if (auto event = job->wait_next(slice)) {
      absorb(*event);
      return std::move(*event);
    }
  }
}

chat::reasoning_piece choice_session::split(const std::string& text, const std::vector<std::int32_t>& tokens) {
  if (!reasoning) return {"", text, false};
  return reasoning->feed(text, tokens);
}

chat::reasoning_piece choice_session::split_rest() { return reasoning ? reasoning->finish() : chat::reasoning_piece{}; }

void choice_session::abandon(bool client_left) {
  if (job->ended() || job->abandoned()) return;
  job->mark_abandoned();
  bridge_command cancel{bridge_command::kind::cancel, job, {}, {}, {}, 0};
  (void)shared.inbox.push(std::move(cancel));
  if (client_left) shared.metrics.count_cancelled();
}

void choice_session::finish(int status, const api_error* failure) {
  meter.settle(shared.accounts, shared.metrics);
  if (shared.config.access_log) {
    log_access({job->request_id(), "POST", route, meter.account, request.model, header.miner, status,
                meter.prompt_tokens, meter.completion_tokens, seconds_since(started)},
               failure);
  }
}

std::variant<completion_piece, api_error> collect_answer(choice_session& choice, reply_clock::time_point deadline) {
  completion_piece answer;
  answer.index = choice.index;
  std::int64_t tokens = 0;
  while (true) {
    auto next = choice.next_event(deadline);
    if (auto* failure = std::get_if<api_error>(&next)) return *failure;
    auto* event = &std::get<job_event>(next);
    if (event->what == job_event::kind::text) {
      auto piece = choice.split(event->text, event->token_ids);
      answer.reasoning += piece.reasoning;
      answer.text += piece.content;
      answer.logprobs.insert(answer.logprobs.end(), event->logprobs.begin(), event->logprobs.end());
      tokens += event->tokens;
      continue;
    }
    choice.ended = true;
    if (event->what == job_event::kind::failed) return event->failure;
    auto rest = choice.split_rest();
    answer.reasoning += rest.reasoning;
    answer.text += rest.content;
    answer.finish_reason = event->finish_reason;
    if (choice.tool_format.supported) {
      auto reply = chat::parse_tool_calls(choice.tool_format, answer.text);
      answer.text = choice.forced_call() ? "" : std::move(reply.content);
      answer.call_expected = choice.forced_call();
      answer.tool_calls = std::move(reply.calls);
      choice.name_calls(answer.tool_calls);
      answer.finish_reason = choice.finish_reason(answer.finish_reason, !answer.tool_calls.empty());
    }
    if (choice.request.echo) answer.text = choice.request.prompt + answer.text;
    choice.meter.completion_tokens = tokens;
    return answer;
  }
}

void reply_session::abandon_all(bool client_left) {
  for (auto& choice : choices) {
    if (!choice->ended) choice->abandon(client_left);
  }
}

void reply_session::finish_all(int status, const api_error* failure) {
  std::int64_t completion_tokens = 0;
  double first_token_s = -1;
  for (auto& choice : choices) {
    choice->finish(status, failure);
    completion_tokens += choice->meter.completion_tokens;
    if (choice->first_token_s >= 0 && (first_token_s < 0 || choice->first_token_s < first_token_s)) {
      first_token_s = choice->first_token_s;
    }
  }
  const choice_session& first = *choices.front();
  const double latency_s = seconds_since(first.started);
  first.shared.metrics.count_request(first.route, status, latency_s);
  first.shared.series.record(unix_now_ms() / 1000, status, latency_s, completion_tokens, first_token_s);
}

void count_refused(bridge_shared& shared, const std::string& route, const std::string& account,
                   const std::string& model, const api_error& failure, reply_clock::time_point started) {
  const double latency_s = seconds_since(started);
  shared.metrics.count_request(route, failure.status, latency_s);
  shared.series.record(unix_now_ms() / 1000, failure.status, latency_s, 0, -1);
  if (shared.config.access_log) log_access({"", "POST", route, account, model, "", failure.status, 0, 0, latency_s}, &failure);
}

usage_counts reply_session::usage() const {
  usage_counts total{0, 0};
  for (const auto& choice : choices) {
    if (choice->index % choices_per_prompt == 0) total.prompt_tokens += choice->meter.prompt_tokens;
    total.completion_tokens += choice->meter.completion_tokens;
    if (choice->reasoning) total.reasoning_tokens = total.reasoning_tokens.value_or(0) + choice->reasoning->reasoning_tokens();
  }
  return total;
}

}  // namespace infergrid::http

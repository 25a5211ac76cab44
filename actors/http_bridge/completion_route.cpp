#include "actors/http_bridge/completion_route.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>

#include "actors/http_bridge/access_log.hpp"
#include "actors/http_bridge/billing.hpp"
#include "actors/http_bridge/chat_prompt.hpp"
#include "actors/http_bridge/http_replies.hpp"
#include "actors/http_bridge/sse_writer.hpp"
#include "kernels/model/chat/tool_call_parser.hpp"
#include "runtime/identity.hpp"

namespace infergrid::http {
namespace {

using clock = std::chrono::steady_clock;

// How long a streaming HTTP thread waits for the next event before it checks the client is still there.
constexpr std::chrono::milliseconds stream_poll_slice{100};
// Time the HTTP thread waits past request_timeout_ms for the actor's own timeout event.
constexpr std::chrono::milliseconds timeout_grace{2000};

double seconds_since(clock::time_point start) { return std::chrono::duration<double>(clock::now() - start).count(); }

std::string route_name(endpoint_kind kind) { return kind == endpoint_kind::chat ? "/v1/chat/completions" : "/v1/completions"; }

api_error shutting_down() {
  return {503, "The bridge is shutting down; retry on another one.", "api_error", "", "unavailable"};
}

api_error timed_out(std::int64_t timeout_ms) {
  return {504, "The job did not finish within " + std::to_string(timeout_ms) + " ms.", "api_error", "", "timeout"};
}

// Everything a request carries from submission to its last byte.
struct job_session {
  bridge_shared& shared;
  std::shared_ptr<job_stream> job;
  endpoint_kind kind;
  completion_request request;
  response_header header;
  job_meter meter;
  clock::time_point started;
  clock::time_point deadline;
  std::int64_t text_offset = 0;  // completions logprobs: characters of the tokens streamed so far
  bool role_sent = false;
  bool done = false;
  // Tools offered: the reply is parsed for calls in the model family's format (else unsupported).
  chat::tool_format tool_format = {};
  std::optional<chat::tool_call_stream> tool_stream = std::nullopt;
  std::size_t calls_sent = 0;

  // Ids for the calls the model made (before calls_sent counts them); OpenAI's finish_reason "tool_calls" unless a named function
  // was forced (OpenAI answers "stop" then).
  // parallel_tool_calls false: only the first call counts.
  void name_calls(std::vector<chat::tool_call>& calls) {
    if (!request.tools.parallel && calls_sent + calls.size() > 1) calls.resize(calls_sent == 0 ? 1 : 0);
    for (auto& call : calls) call.id = "call_" + random_hex(12);
  }
  std::string finish_reason(const std::string& upstream, bool made_calls) const {
    if (made_calls && upstream == "stop" && request.tools.choice != tool_choice::named) return "tool_calls";
    return upstream;
  }

  void absorb(const job_event& event) {
    if (!event.miner.empty()) header.miner = event.miner;
    if (event.prompt_tokens > 0) meter.prompt_tokens = event.prompt_tokens;
  }
  void abandon() {
    if (job->ended()) return;
    job->mark_abandoned();
    bridge_command cancel{bridge_command::kind::cancel, job, {}, {}, {}, 0};
    (void)shared.inbox.push(std::move(cancel));
    shared.metrics.count_cancelled();
  }
  void finish(int status) {
    meter.settle(shared.config, shared.accounts, shared.metrics);
    shared.metrics.count_request(route_name(kind), status, seconds_since(started));
    if (shared.config.access_log) {
      log_access({job->request_id(), "POST", route_name(kind), meter.account, request.model, header.miner, status,
                  meter.prompt_tokens, meter.completion_tokens, seconds_since(started)});
    }
  }
};

void answer_whole(job_session& session, httplib::Response& res) {
  completion_piece answer;
  std::int64_t tokens = 0;
  while (true) {
    const auto now = clock::now();
    if (now >= session.deadline) break;
    if (session.shared.closing.load()) {
      write_error(res, shutting_down());
      return session.finish(503);
    }
    auto slice = std::min(stream_poll_slice,
                          std::chrono::duration_cast<std::chrono::milliseconds>(session.deadline - now));
    auto event = session.job->wait_next(slice);
    if (!event) continue;
    session.absorb(*event);
    if (event->what == job_event::kind::text) {
      answer.text += event->text;
      answer.logprobs.insert(answer.logprobs.end(), event->logprobs.begin(), event->logprobs.end());
      tokens += event->tokens;
      continue;
    }
    if (event->what == job_event::kind::failed) {
      write_error(res, event->failure);
      return session.finish(event->failure.status);
    }
    answer.finish_reason = event->finish_reason;
    if (session.tool_format.supported) {
      auto reply = chat::parse_tool_calls(session.tool_format, answer.text);
      answer.text = std::move(reply.content);
      answer.tool_calls = std::move(reply.calls);
      session.name_calls(answer.tool_calls);
      answer.finish_reason = session.finish_reason(answer.finish_reason, !answer.tool_calls.empty());
    }
    session.meter.completion_tokens = tokens;
    const usage_counts usage{session.meter.prompt_tokens, tokens};
    write_json(res, 200, completion_json(session.kind, session.header, answer, session.request.logprobs, usage));
    return session.finish(200);
  }
  session.abandon();
  const auto failure = timed_out(session.shared.config.request_timeout_ms);
  write_error(res, failure);
  session.finish(failure.status);
}

// One call of httplib's chunked content provider: writes at most one event; false ends the
// response (client gone, or an error after the end).
bool stream_step(job_session& session, httplib::DataSink& sink) {
  auto write = [&](const std::string& bytes) { return sink.write(bytes.data(), bytes.size()); };
  if (session.done) return false;
  const bool chat = session.kind == endpoint_kind::chat;
  const bool usage = session.request.include_usage;
  if (chat && !session.role_sent) {
    session.role_sent = true;
    return write(sse_event(chunk_json(session.kind, session.header, {}, true, false, usage)));
  }
  if (clock::now() >= session.deadline) {
    session.abandon();
    session.done = true;
    (void)write(sse_error(timed_out(session.shared.config.request_timeout_ms)));
    sink.done();
    return true;
  }
  auto event = session.job->wait_next(stream_poll_slice);
  if (!event && session.shared.closing.load()) {
    session.done = true;
    if (write(sse_error(shutting_down()))) sink.done();
    return true;
  }
  if (!event) return sink.is_writable();
  session.absorb(*event);
  switch (event->what) {
    case job_event::kind::text: {
      if (event->text.empty() && event->tokens == 0) return true;
      if (session.meter.completion_tokens == 0) session.shared.metrics.observe_first_token(seconds_since(session.started));
      completion_piece piece{event->text, std::move(event->logprobs), "", session.text_offset};
      if (session.tool_stream) {
        piece.text = session.tool_stream->feed(event->text);
        piece.tool_calls = session.tool_stream->take_calls();
        session.name_calls(piece.tool_calls);
        piece.first_call_index = session.calls_sent;
        session.calls_sent += piece.tool_calls.size();
        if (piece.text.empty() && piece.tool_calls.empty() && piece.logprobs.empty()) {
          session.meter.completion_tokens += event->tokens;  // held back until a call is decided
          return true;
        }
      }
      if (!write(sse_event(chunk_json(session.kind, session.header, piece, false, session.request.logprobs, usage)))) {
        return false;
      }
      session.meter.completion_tokens += event->tokens;  // delivered: the socket took it
      session.text_offset += token_text_characters(piece.logprobs);
      return true;
    }
    case job_event::kind::finished: {
      bool ok = true;
      if (session.tool_stream) {
        completion_piece rest{session.tool_stream->finish(), {}, ""};
        rest.tool_calls = session.tool_stream->take_calls();
        session.name_calls(rest.tool_calls);
        rest.first_call_index = session.calls_sent;
        session.calls_sent += rest.tool_calls.size();
        if (!rest.text.empty() || !rest.tool_calls.empty()) {
          ok = write(sse_event(chunk_json(session.kind, session.header, rest, false, false, usage)));
        }
      }
      completion_piece last{"", {}, session.finish_reason(event->finish_reason, session.calls_sent > 0)};
      ok = ok && write(sse_event(chunk_json(session.kind, session.header, last, false, false, usage)));
      if (ok && usage) {
        const usage_counts counts{session.meter.prompt_tokens, session.meter.completion_tokens};
        ok = write(sse_event(usage_chunk_json(session.kind, session.header, counts)));
      }
      if (ok) ok = write(sse_done());
      session.done = true;
      if (ok) sink.done();
      return ok;
    }
    case job_event::kind::failed:
      session.done = true;
      if (write(sse_error(event->failure))) sink.done();
      return true;
  }
  return false;
}

void answer_stream(std::shared_ptr<job_session> session, httplib::Response& res) {
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider(
      sse_content_type, [session](std::size_t, httplib::DataSink& sink) { return stream_step(*session, sink); },
      [session](bool) {
        if (!session->done) session->abandon();
        session->finish(200);
      });
}

// Unguessable (128 random bits): the id names the request on the bus, in receipts and the ledger.
std::string new_id(bridge_shared&, endpoint_kind kind) {
  return std::string(kind == endpoint_kind::chat ? "chatcmpl-" : "cmpl-") + random_hex(16);
}

}  // namespace

void serve_completion(bridge_shared& shared, endpoint_kind kind, const httplib::Request& req, const std::string& body,
                      httplib::Response& res) {
  const auto started = clock::now();
  std::string account_seen, model_seen;
  auto fail = [&](const api_error& failure) {
    write_error(res, failure);
    shared.metrics.count_request(route_name(kind), failure.status, seconds_since(started));
    if (shared.config.access_log) {
      log_access({"", "POST", route_name(kind), account_seen, model_seen, "", failure.status, 0, 0,
                  seconds_since(started)});
    }
  };
  auto who = authenticate(shared, req);
  if (auto* failure = std::get_if<api_error>(&who)) return fail(*failure);
  account_seen = std::get<caller>(who).account;
  auto parsed = kind == endpoint_kind::chat ? parse_chat_request(body, shared.config.limits)
                                            : parse_text_request(body, shared.config.limits);
  if (auto* failure = std::get_if<api_error>(&parsed)) return fail(*failure);
  model_seen = std::get<completion_request>(parsed).model;
  auto& request = std::get<completion_request>(parsed);
  if (shared.catalog.known() && !shared.catalog.serves(request.model)) return fail(model_not_found(request.model));
  std::string prompt = request.prompt;
  if (kind == endpoint_kind::chat) {
    auto rendered = render_chat_prompt(shared.catalog.template_for(request.model), request);
    if (auto* failure = std::get_if<api_error>(&rendered)) return fail(*failure);
    prompt = std::move(std::get<std::string>(rendered));
  }
  if (auto refused = check_output_rules(request)) return fail(*refused);
  const auto& account = std::get<caller>(who).account;
  const auto max_cost = max_cost_micro(shared.config, prompt_tokens_upper_bound(prompt), request.max_tokens);
  // Settlement mode: the actor escrows max_cost with the ledger before the job runs, and the
  // worker's receipt settles it; nothing is reserved or charged here (a meter reserving 0 charges 0).
  const auto payer = shared.config.settlement.empty() ? std::nullopt : shared.accounts.ledger_account_for(account);
  const std::int64_t reserved = payer ? 0 : max_cost;
  if (auto held = shared.accounts.reserve(account, reserved); !held.ok()) {
    return fail(insufficient_balance(held.err().message));
  }
  auto session = std::make_shared<job_session>(job_session{
      shared, std::make_shared<job_stream>(new_id(shared, kind)), kind, request, {}, job_meter{account, reserved},
      started, started + std::chrono::milliseconds(shared.config.request_timeout_ms) + timeout_grace});
  if (kind == endpoint_kind::chat && request.tools.active()) {
    session->tool_format = chat::tool_format_of(shared.catalog.template_for(request.model));
    session->tool_stream.emplace(session->tool_format);
  }
  session->header = response_header{session->job->request_id(),
                                    std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch()).count(),
                                    request.model, ""};
  bridge_command submit{bridge_command::kind::submit, session->job, std::move(request), std::move(prompt),
                        payer.value_or(""), payer ? max_cost : 0};
  if (!shared.inbox.push(std::move(submit))) {
    session->finish(429);
    write_error(res, overloaded("The bridge's queue is full; retry shortly.", shared.config.retry_after_s));
    return;
  }
  if (session->request.stream) return answer_stream(std::move(session), res);
  answer_whole(*session, res);
}

}  // namespace infergrid::http

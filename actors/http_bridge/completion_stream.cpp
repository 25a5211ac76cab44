#include "actors/http_bridge/completion_stream.hpp"

#include <functional>
#include <utility>
#include <variant>

#include "actors/http_bridge/sse_writer.hpp"

namespace infergrid::http {
namespace {

// How long a streaming HTTP thread waits for the next event before it checks the client is still there.
constexpr std::chrono::milliseconds stream_poll_slice{100};

using writer = std::function<bool(const std::string&)>;

// One chunk of a choice. A chat choice offered tools opens with its first chunk (role and what
// comes first together), as OpenAI's streams do: a reply that is a call then opens with
// `content: null` beside the call, never `content: ""`.
bool write_chunk(choice_session& choice, completion_piece& piece, bool with_logprobs, const writer& write) {
  const bool first = choice.kind == endpoint_kind::chat && !choice.role_sent;
  choice.role_sent = true;
  piece.call_expected = choice.forced_call();
  return write(sse_event(chunk_json(choice.kind, choice.header, piece, first, with_logprobs, choice.request.include_usage)));
}

// One text event of a choice; false: the client is gone.
bool write_text(choice_session& choice, job_event& event, const writer& write) {
  if (event.text.empty() && event.tokens == 0) return true;
  if (choice.meter.completion_tokens == 0) choice.shared.metrics.observe_first_token(seconds_since(choice.started));
  auto split = choice.split(event.text, event.token_ids);
  completion_piece piece{split.content, std::move(event.logprobs), "", choice.text_offset};
  piece.index = choice.index;
  piece.reasoning = std::move(split.reasoning);
  if (choice.tool_stream) {
    piece.text = choice.tool_stream->feed(split.content);
    piece.tool_calls = choice.tool_stream->take_calls();
    choice.name_calls(piece.tool_calls);
    piece.first_call_index = choice.calls_sent;
    choice.calls_sent += piece.tool_calls.size();
  }
  if (piece.text.empty() && piece.tool_calls.empty() && piece.logprobs.empty() && piece.reasoning.empty()) {
    choice.meter.completion_tokens += event.tokens;  // held back until a call or a tag is decided
    return true;
  }
  if (!write_chunk(choice, piece, choice.request.logprobs, write)) return false;
  choice.meter.completion_tokens += event.tokens;  // delivered: the socket took it
  choice.text_offset += token_text_characters(piece.logprobs);
  return true;
}

// A choice's end: the calls still held back, then its chunk with finish_reason.
bool write_end(choice_session& choice, const job_event& event, const writer& write) {
  auto held = choice.split_rest();
  if (!held.reasoning.empty() || (!held.content.empty() && !choice.tool_stream)) {
    completion_piece last_words{choice.tool_stream ? "" : held.content, {}, ""};
    last_words.index = choice.index;
    last_words.reasoning = std::move(held.reasoning);
    if (!write_chunk(choice, last_words, false, write)) return false;
  }
  if (choice.tool_stream) {
    std::string text = choice.tool_stream->feed(held.content);
    std::string unparsed = text + choice.tool_stream->finish();
    completion_piece rest{choice.forced_call() ? "" : std::move(unparsed), {}, ""};
    rest.index = choice.index;
    rest.tool_calls = choice.tool_stream->take_calls();
    choice.name_calls(rest.tool_calls);
    rest.first_call_index = choice.calls_sent;
    choice.calls_sent += rest.tool_calls.size();
    if (!rest.text.empty() || !rest.tool_calls.empty()) {
      if (!write_chunk(choice, rest, false, write)) return false;
    }
  }
  completion_piece last{"", {}, choice.finish_reason(event.finish_reason, choice.calls_sent > 0)};
  last.index = choice.index;
  return write_chunk(choice, last, false, write);
}

// Ends the response with an error event after abandoning every unfinished job; the request is
// logged and counted with the failure's status.
bool write_failure(reply_session& reply, const api_error& failure, const writer& write, httplib::DataSink& sink) {
  reply.abandon_all(false);
  reply.done = true;
  reply.status = failure.status;
  reply.failure = failure;
  if (write(sse_error(failure))) sink.done();
  return true;
}

// The next event of any unfinished choice, round robin so that none starves; absorbed.
choice_session* next_event(reply_session& reply, job_event& out) {
  const std::size_t count = reply.choices.size();
  for (std::size_t step = 0; step < count; ++step) {
    choice_session& choice = *reply.choices[(reply.next + step) % count];
    if (choice.ended) continue;
    if (choice.pending) {  // absorbed when it was awaited
      reply.next = (reply.next + step + 1) % count;
      out = std::move(*std::exchange(choice.pending, std::nullopt));
      return &choice;
    }
    if (auto event = choice.job->wait_next(std::chrono::milliseconds(0))) {
      reply.next = (reply.next + step + 1) % count;
      choice.absorb(*event);
      out = std::move(*event);
      return &choice;
    }
  }
  return nullptr;
}

// One call of httplib's chunked content provider: writes at most one event; false ends the
// response (client gone, or an error after the end).
bool stream_step(reply_session& reply, httplib::DataSink& sink) {
  const writer write = [&](const std::string& bytes) { return sink.write(bytes.data(), bytes.size()); };
  if (reply.done) return false;
  // Each choice opens with its role (chat) or, with `echo`, the prompt (completions); a chat choice
  // offered tools opens with its first chunk instead (write_chunk), once it is known to be a call or text.
  for (auto& choice : reply.choices) {
    const bool chat = choice->kind == endpoint_kind::chat;
    if (choice->role_sent || (!chat && !choice->request.echo) || (chat && choice->tool_stream)) continue;
    choice->role_sent = true;
    completion_piece opening;
    opening.index = choice->index;
    if (!chat) opening.text = choice->request.prompt;
    return write(sse_event(chunk_json(choice->kind, choice->header, opening, true, false, choice->request.include_usage)));
  }
  const choice_session& first = *reply.choices.front();
  if (reply_clock::now() >= reply.deadline) {
    return write_failure(reply, timed_out(first.shared.config.request_timeout_ms), write, sink);
  }
  const auto seen = reply.wake->generation();
  job_event event;
  choice_session* choice = next_event(reply, event);
  if (!choice) {
    if (first.shared.closing.load()) return write_failure(reply, shutting_down(), write, sink);
    reply.wake->wait_past(seen, stream_poll_slice);
    return sink.is_writable();
  }
  switch (event.what) {
    case job_event::kind::text:
      return write_text(*choice, event, write);
    case job_event::kind::failed:
      choice->ended = true;
      return write_failure(reply, event.failure, write, sink);
    case job_event::kind::finished: {
      choice->ended = true;
      if (!write_end(*choice, event, write)) return false;
      for (const auto& other : reply.choices) {
        if (!other->ended) return true;
      }
      reply.done = true;
      if (first.request.include_usage && !write(sse_event(usage_chunk_json(first.kind, first.header, reply.usage())))) {
        return false;
      }
      if (!write(sse_done())) return false;
      sink.done();
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<api_error> await_first_events(reply_session& reply) {
  for (auto& choice : reply.choices) {
    auto next = choice->next_event(reply.deadline);
    if (auto* failure = std::get_if<api_error>(&next)) return *failure;
    auto& event = std::get<job_event>(next);
    if (event.what == job_event::kind::failed) {
      choice->ended = true;
      return event.failure;
    }
    choice->pending = std::move(event);
  }
  return std::nullopt;
}

void answer_stream(std::shared_ptr<reply_session> reply, httplib::Response& res) {
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider(
      sse_content_type, [reply](std::size_t, httplib::DataSink& sink) { return stream_step(*reply, sink); },
      [reply](bool) {
        if (!reply->done) {  // the client left before the end
          reply->abandon_all(true);
          reply->failure = client_closed();
          reply->status = reply->failure->status;
        }
        reply->finish_all(reply->status, reply->failure ? &*reply->failure : nullptr);
      });
}

}  // namespace infergrid::http

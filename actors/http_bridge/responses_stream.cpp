#include "actors/http_bridge/responses_stream.hpp"

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "actors/http_bridge/sse_writer.hpp"

namespace infergrid::http {
namespace {

// How long the streaming HTTP thread waits for the next event before it checks the client is still there.
constexpr std::chrono::milliseconds stream_poll_slice{100};

using writer = std::function<bool(const std::string&)>;

// The reasoning item or the message while its text streams; it joins the output when it closes.
struct open_item {
  enum class kind { none, reasoning, message } what = kind::none;
  std::string id;
  std::string text;
  std::vector<token_logprob> logprobs;
};

struct response_stream {
  std::shared_ptr<reply_session> reply;
  ordered_json echo;
  response_finished finished;
  std::int64_t sequence = 0;
  bool opened = false;        // response.created and response.in_progress sent
  bool message_seen = false;  // a message item was opened
  ordered_json output = ordered_json::array();  // the closed items
  open_item open;

  choice_session& choice() { return *reply->choices.front(); }
  std::size_t output_index() const { return output.size(); }
};

bool emit(response_stream& s, const writer& write, const char* type, const ordered_json& fields) {
  ordered_json event = {{"type", type}, {"sequence_number", s.sequence++}};
  for (const auto& [key, value] : fields.items()) event[key] = value;
  return write(sse_typed_event(type, event));
}

ordered_json response_now(response_stream& s, const response_outcome& outcome, const usage_counts* usage) {
  return response_json(s.choice().header, s.echo, outcome, s.output, usage);
}

ordered_json item_place(response_stream& s) {
  return {{"item_id", s.open.id}, {"output_index", s.output_index()}, {"content_index", 0}};
}

bool close_item(response_stream& s, const writer& write, const std::string& status) {
  open_item& item = s.open;
  if (item.what == open_item::kind::none) return true;
  ordered_json place = item_place(s);
  ordered_json part, done;
  if (item.what == open_item::kind::reasoning) {
    part = {{"type", "reasoning_text"}, {"text", item.text}};
    ordered_json text_done = place;
    text_done["text"] = item.text;
    if (!emit(s, write, "response.reasoning_text.done", text_done)) return false;
    done = reasoning_item_json(item.id, item.text);
  } else {
    const bool with_logprobs = s.choice().request.logprobs;
    part = output_text_json(item.text, item.logprobs, with_logprobs);
    ordered_json text_done = place;
    text_done["text"] = item.text;
    text_done["logprobs"] = part["logprobs"];
    if (!emit(s, write, "response.output_text.done", text_done)) return false;
    done = message_item_json(item.id, status, ordered_json::array({part}));
  }
  ordered_json part_done = place;
  part_done["part"] = part;
  if (!emit(s, write, "response.content_part.done", part_done)) return false;
  if (!emit(s, write, "response.output_item.done", {{"output_index", s.output_index()}, {"item", done}})) return false;
  s.output.push_back(std::move(done));
  item = {};
  return true;
}

bool open_new(response_stream& s, const writer& write, open_item::kind what) {
  if (!close_item(s, write, "completed")) return false;
  const bool reasoning = what == open_item::kind::reasoning;
  s.open = {what, new_item_id(reasoning ? "rs_" : "msg_"), "", {}};
  s.message_seen = s.message_seen || !reasoning;
  ordered_json item = reasoning ? reasoning_item_json(s.open.id, "") : message_item_json(s.open.id, "in_progress", ordered_json::array());
  if (reasoning) item["content"] = ordered_json::array();
  if (!emit(s, write, "response.output_item.added", {{"output_index", s.output_index()}, {"item", item}})) return false;
  ordered_json added = item_place(s);
  added["part"] = reasoning ? ordered_json{{"type", "reasoning_text"}, {"text", ""}} : output_text_json("", {}, false);
  return emit(s, write, "response.content_part.added", added);
}

bool add_reasoning(response_stream& s, const writer& write, const std::string& text) {
  if (text.empty()) return true;
  if (s.open.what != open_item::kind::reasoning && !open_new(s, write, open_item::kind::reasoning)) return false;
  s.open.text += text;
  ordered_json delta = item_place(s);
  delta["delta"] = text;
  return emit(s, write, "response.reasoning_text.delta", delta);
}

bool add_text(response_stream& s, const writer& write, const std::string& text, const std::vector<token_logprob>& logprobs) {
  if (text.empty() && logprobs.empty()) return true;
  if (s.open.what != open_item::kind::message && !open_new(s, write, open_item::kind::message)) return false;
  s.open.text += text;
  s.open.logprobs.insert(s.open.logprobs.end(), logprobs.begin(), logprobs.end());
  ordered_json delta = item_place(s);
  delta["delta"] = text;
  delta["logprobs"] = output_text_json("", logprobs, s.choice().request.logprobs)["logprobs"];
  return emit(s, write, "response.output_text.delta", delta);
}

// Each call once it is complete: added, its arguments in one delta, done.
bool add_calls(response_stream& s, const writer& write, std::vector<chat::tool_call> calls) {
  choice_session& choice = s.choice();
  choice.name_calls(calls);
  choice.calls_sent += calls.size();
  for (const auto& call : calls) {
    if (!close_item(s, write, "completed")) return false;
    const std::string id = new_item_id("fc_");
    chat::tool_call opening = call;
    opening.arguments.clear();
    const ordered_json place = {{"item_id", id}, {"output_index", s.output_index()}};
    ordered_json delta = place, done = place;
    delta["delta"] = call.arguments;
    done["name"] = call.name;
    done["arguments"] = call.arguments;
    ordered_json item = function_call_item_json(id, "completed", call);
    const bool written =
        emit(s, write, "response.output_item.added",
             {{"output_index", s.output_index()}, {"item", function_call_item_json(id, "in_progress", opening)}}) &&
        emit(s, write, "response.function_call_arguments.delta", delta) &&
        emit(s, write, "response.function_call_arguments.done", done) &&
        emit(s, write, "response.output_item.done", {{"output_index", s.output_index()}, {"item", item}});
    if (!written) return false;
    s.output.push_back(std::move(item));
  }
  return true;
}

bool on_text(response_stream& s, job_event& event, const writer& write) {
  choice_session& choice = s.choice();
  if (event.text.empty() && event.tokens == 0) return true;
  if (choice.meter.completion_tokens == 0) choice.shared.metrics.observe_first_token(seconds_since(choice.started));
  auto split = choice.split(event.text, event.token_ids);
  std::string text = std::move(split.content);
  std::vector<chat::tool_call> calls;
  if (choice.tool_stream) {
    text = choice.tool_stream->feed(text);
    calls = choice.tool_stream->take_calls();
  }
  if (!add_reasoning(s, write, split.reasoning) || !add_text(s, write, text, event.logprobs) ||
      !add_calls(s, write, std::move(calls))) {
    return false;
  }
  choice.meter.completion_tokens += event.tokens;  // delivered: the socket took it
  return true;
}

bool on_failure(response_stream& s, const api_error& failure, const writer& write, httplib::DataSink& sink) {
  reply_session& reply = *s.reply;
  reply.abandon_all(false);
  reply.done = true;
  reply.status = failure.status;
  reply.failure = failure;
  if (emit(s, write, "response.failed", {{"response", response_now(s, {"failed", failure}, nullptr)}})) sink.done();
  return true;
}

bool on_finished(response_stream& s, const job_event& event, const writer& write, httplib::DataSink& sink) {
  choice_session& choice = s.choice();
  auto held = choice.split_rest();
  if (!add_reasoning(s, write, held.reasoning)) return false;
  if (choice.tool_stream) {
    std::string unparsed = choice.tool_stream->feed(held.content);
    unparsed += choice.tool_stream->finish();
    if (!add_text(s, write, choice.forced_call() ? "" : unparsed, {})) return false;
    if (!add_calls(s, write, choice.tool_stream->take_calls())) return false;
  } else if (!add_text(s, write, held.content, {})) {
    return false;
  }
  const response_outcome outcome = outcome_of(choice.finish_reason(event.finish_reason, choice.calls_sent > 0));
  // An answer that is neither text nor calls is an empty message, as in the whole response.
  if (!s.message_seen && choice.calls_sent == 0 && !open_new(s, write, open_item::kind::message)) return false;
  if (!close_item(s, write, outcome.status)) return false;
  s.reply->done = true;
  const usage_counts usage = s.reply->usage();
  const char* type = outcome.status == "incomplete" ? "response.incomplete" : "response.completed";
  const ordered_json response = response_now(s, outcome, &usage);
  if (s.finished) s.finished(response);
  if (!emit(s, write, type, {{"response", response}})) return false;
  sink.done();
  return true;
}

// One call of httplib's chunked content provider; false ends the response.
bool stream_step(response_stream& s, httplib::DataSink& sink) {
  const writer write = [&](const std::string& bytes) { return sink.write(bytes.data(), bytes.size()); };
  reply_session& reply = *s.reply;
  if (reply.done) return false;
  choice_session& choice = s.choice();
  if (!s.opened) {
    s.opened = true;
    const ordered_json response = response_now(s, {}, nullptr);
    return emit(s, write, "response.created", {{"response", response}}) &&
           emit(s, write, "response.in_progress", {{"response", response}});
  }
  if (reply_clock::now() >= reply.deadline) {
    return on_failure(s, timed_out(choice.shared.config.request_timeout_ms), write, sink);
  }
  const auto seen = reply.wake->generation();
  std::optional<job_event> event = std::exchange(choice.pending, std::nullopt);  // absorbed when it was awaited
  if (!event) {
    event = choice.job->wait_next(std::chrono::milliseconds(0));
    if (event) choice.absorb(*event);
  }
  if (!event) {
    if (choice.shared.closing.load()) return on_failure(s, shutting_down(), write, sink);
    reply.wake->wait_past(seen, stream_poll_slice);
    return sink.is_writable();
  }
  switch (event->what) {
    case job_event::kind::text:
      return on_text(s, *event, write);
    case job_event::kind::failed:
      choice.ended = true;
      return on_failure(s, event->failure, write, sink);
    case job_event::kind::finished:
      choice.ended = true;
      return on_finished(s, *event, write, sink);
  }
  return false;
}

}  // namespace

void answer_responses_stream(std::shared_ptr<reply_session> reply, ordered_json echo, response_finished finished,
                             httplib::Response& res) {
  auto stream = std::make_shared<response_stream>();
  stream->reply = std::move(reply);
  stream->echo = std::move(echo);
  stream->finished = std::move(finished);
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider(
      sse_content_type, [stream](std::size_t, httplib::DataSink& sink) { return stream_step(*stream, sink); },
      [stream](bool) {
        reply_session& reply = *stream->reply;
        if (!reply.done) {  // the client left before the end
          reply.abandon_all(true);
          reply.failure = client_closed();
          reply.status = reply.failure->status;
        }
        reply.finish_all(reply.status, reply.failure ? &*reply.failure : nullptr);
      });
}

}  // namespace infergrid::http

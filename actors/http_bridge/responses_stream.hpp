#pragma once
// responses_stream: a /v1/responses request answered as the Responses API's typed server-sent
// events (`event: <type>` and `data: {"type", "sequence_number", ...}`): response.created and
// response.in_progress; then each output item in order — a reasoning item (reasoning_text deltas),
// the message (output_text deltas, with their logprobs when asked), each function call (its
// arguments in one delta, once the call is complete) — opened with output_item.added and closed with
// its .done events; and last response.completed, response.incomplete (max_output_tokens) or
// response.failed, carrying the whole response and its usage. A client that goes away has its job
// cancelled; only the tokens its socket took are billed.
#include <functional>
#include <memory>

#include <httplib.h>

#include "actors/http_bridge/reply_session.hpp"
#include "actors/http_bridge/responses_response.hpp"

namespace infergrid::http {

// The whole response once it completed (or is incomplete), as the last event carries it.
using response_finished = std::function<void(const ordered_json& response)>;

// `reply` holds one choice whose first event was awaited (completion_stream's await_first_events).
void answer_responses_stream(std::shared_ptr<reply_session> reply, ordered_json echo, response_finished finished,
                             httplib::Response& res);

}  // namespace infergrid::http

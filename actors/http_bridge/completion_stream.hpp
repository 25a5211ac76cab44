#pragma once
// completion_stream: a completion request answered as server-sent events — OpenAI's chunks for
// each choice (`index`), tool calls as delta.tool_calls, the optional usage chunk, `[DONE]`. The
// choices' jobs run at once; their chunks interleave as they arrive. A client that goes away has
// every unfinished job cancelled; only the tokens its socket took are billed.
#include <memory>
#include <optional>

#include <httplib.h>

#include "actors/http_bridge/reply_session.hpp"

namespace infergrid::http {

// Waits for each choice's first event (kept for the stream) before the response's status goes
// out, so that a request the worker refuses (context_length_exceeded, a bad logit_bias token), a
// timeout before any token and a closing bridge answer with their own HTTP status, as OpenAI's
// streams do, not with 200 and an error event. The error ending the wait; nullopt: stream.
std::optional<api_error> await_first_events(reply_session& reply);

void answer_stream(std::shared_ptr<reply_session> reply, httplib::Response& res);

}  // namespace infergrid::http

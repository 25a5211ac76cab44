#pragma once
// completion_stream: a completion request answered as server-sent events — OpenAI's chunks for
// each choice (`index`), tool calls as delta.tool_calls, the optional usage chunk, `[DONE]`. The
// choices' jobs run at once; their chunks interleave as they arrive. A client that goes away has
// every unfinished job cancelled; only the tokens its socket took are billed.
#include <memory>

#include <httplib.h>

#include "actors/http_bridge/reply_session.hpp"

namespace infergrid::http {

void answer_stream(std::shared_ptr<reply_session> reply, httplib::Response& res);

}  // namespace infergrid::http

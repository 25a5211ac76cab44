#pragma once
// completion_route: `POST /v1/chat/completions` and `POST /v1/completions` on an HTTP thread —
// authenticate, rate-limit, validate, render the prompt, reserve the maximum cost, hand one job per
// choice (`n`) to the actor through the bounded inbox, then answer with the whole completion or
// stream SSE chunks as they arrive (completion_stream). Each choice is its own job: its own seed
// (seed + index when the request names one), escrow, receipt and bill.
#include <httplib.h>

#include "actors/http_bridge/bridge_shared.hpp"
#include "actors/http_bridge/openai_request.hpp"

namespace infergrid::http {

// `body` is the request body, read (and size-checked while streaming) by http_server.
void serve_completion(bridge_shared& shared, endpoint_kind kind, const httplib::Request& req, const std::string& body,
                      httplib::Response& res);

}  // namespace infergrid::http

#pragma once
// completion_jobs: a parsed completion request started on the grid, shared by the routes that run
// completions (/v1/chat/completions, /v1/completions, /v1/responses) — the model checked, the
// prompt rendered (a chat by the model's template, a text prompt as it is or in fill-in-the-middle
// order), the output rules and logit_bias ids checked, each choice's maximum cost reserved, and one
// job per choice (`n`, and each prompt of a /v1/completions request) handed to the actor through
// the bounded inbox. Each choice is its own job: its own seed (seed + index when the request names
// one), escrow, receipt and bill.
#include <memory>
#include <string>
#include <variant>

#include "actors/http_bridge/http_replies.hpp"
#include "actors/http_bridge/reply_session.hpp"

namespace infergrid::http {

// The route a request came by: the path its counters and access lines name, and its ids' prefix
// ("chatcmpl-", "cmpl-", "resp_").
struct completion_route_name {
  std::string path;
  std::string id_prefix;
};

// Why no job ran. `counted`: the request is already counted and logged (its jobs were built, then
// the inbox was full); else the caller counts it (count_refused).
struct jobs_refused {
  api_error error;
  bool counted = false;
};

std::variant<std::shared_ptr<reply_session>, jobs_refused> start_completion_jobs(
    bridge_shared& shared, const completion_route_name& route, const caller& who, completion_request& request,
    reply_clock::time_point started);

}  // namespace infergrid::http

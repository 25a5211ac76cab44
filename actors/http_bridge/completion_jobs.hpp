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

#include <httplib.h>

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

// A completion route's refusal: answered, and — unless already counted — counted and logged with
// what was known of the request by then (its account once authenticated, its model once parsed).
struct route_refusal {
  bridge_shared& shared;
  const std::string& route;
  reply_clock::time_point started;
  httplib::Response& res;
  std::string account = {};
  std::string model = {};

  void operator()(const api_error& failure) const;
  void operator()(const jobs_refused& refused) const;
};

// Ends a reply whose jobs were started with `failure`: every unfinished job cancelled, the client
// answered `shown` (`failure` as the route names its fields), the request counted and logged.
void end_reply(reply_session& reply, const api_error& failure, const api_error& shown, httplib::Response& res);

std::variant<std::shared_ptr<reply_session>, jobs_refused> start_completion_jobs(
    bridge_shared& shared, const completion_route_name& route, const caller& who, completion_request& request,
    reply_clock::time_point started);

}  // namespace infergrid::http

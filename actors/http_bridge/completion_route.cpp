#include "actors/http_bridge/completion_route.hpp"

#include <memory>
#include <variant>
#include <vector>

#include "actors/http_bridge/completion_jobs.hpp"
#include "actors/http_bridge/completion_stream.hpp"
#include "actors/http_bridge/http_replies.hpp"

namespace infergrid::http {
namespace {

// The whole response: every choice's answer, or the first error (the other jobs cancelled).
void answer_whole(reply_session& reply, httplib::Response& res) {
  std::vector<completion_piece> answers;
  for (auto& choice : reply.choices) {
    auto got = collect_answer(*choice, reply.deadline);
    if (auto* failure = std::get_if<api_error>(&got)) return end_reply(reply, *failure, *failure, res);
    answers.push_back(std::move(std::get<completion_piece>(got)));
  }
  const choice_session& first = *reply.choices.front();
  write_json(res, 200, completion_json(first.kind, first.header, answers, first.request.logprobs, reply.usage()));
  reply.finish_all(200);
}

}  // namespace

void serve_completion(bridge_shared& shared, endpoint_kind kind, const httplib::Request& req, const std::string& body,
                      httplib::Response& res) {
  const auto started = reply_clock::now();
  // Unguessable ids (128 random bits): the id names the request on the bus, in receipts and the ledger.
  const completion_route_name route{route_name(kind), kind == endpoint_kind::chat ? "chatcmpl-" : "cmpl-"};
  route_refusal fail{shared, route.path, started, res};
  const authentication who = authenticate(shared, req);
  fail.account = who.who.account;
  if (who.failure) return fail(*who.failure);
  auto parsed = kind == endpoint_kind::chat ? parse_chat_request(body, shared.config.limits)
                                            : parse_text_request(body, shared.config.limits);
  if (auto* failure = std::get_if<api_error>(&parsed)) return fail(*failure);
  auto& request = std::get<completion_request>(parsed);
  fail.model = request.model;
  auto started_jobs = start_completion_jobs(shared, route, who.who, request, started);
  if (auto* refused = std::get_if<jobs_refused>(&started_jobs)) return fail(*refused);
  auto reply = std::move(std::get<std::shared_ptr<reply_session>>(started_jobs));
  if (request.stream) {
    if (auto failure = await_first_events(*reply)) return end_reply(*reply, *failure, *failure, res);
    return answer_stream(std::move(reply), res);
  }
  answer_whole(*reply, res);
}

}  // namespace infergrid::http

#include "actors/http_bridge/responses_route.hpp"

#include <memory>
#include <utility>
#include <variant>

#include "actors/http_bridge/completion_jobs.hpp"
#include "actors/http_bridge/completion_stream.hpp"
#include "actors/http_bridge/http_replies.hpp"
#include "actors/http_bridge/responses_request.hpp"
#include "actors/http_bridge/responses_stream.hpp"

namespace infergrid::http {
namespace {

// A worker's refusal names chat's field; the client sent `input`.
api_error named_for_responses(api_error failure) {
  if (failure.param == "messages") failure.param = "input";
  return failure;
}

void answer_whole(reply_session& reply, const ordered_json& echo, httplib::Response& res) {
  choice_session& choice = *reply.choices.front();
  auto got = collect_answer(choice, reply.deadline);
  if (auto* failure = std::get_if<api_error>(&got)) {
    reply.abandon_all(is_client_closed(*failure));
    write_error(res, named_for_responses(*failure));
    return reply.finish_all(*failure);
  }
  const auto& answer = std::get<completion_piece>(got);
  const usage_counts usage = reply.usage();
  const response_outcome outcome = outcome_of(answer.finish_reason);
  write_json(res, 200,
             response_json(choice.header, echo, outcome, output_items_json(answer, choice.request.logprobs), &usage));
  reply.finish_all(200);
}

}  // namespace

void serve_responses(bridge_shared& shared, const httplib::Request& req, const std::string& body, httplib::Response& res) {
  const auto started = reply_clock::now();
  const completion_route_name route{responses_path, "resp_"};
  std::string account_seen, model_seen;
  auto fail = [&](const api_error& failure) {
    write_error(res, failure);
    count_refused(shared, route.path, account_seen, model_seen, failure, started);
  };
  const authentication who = authenticate(shared, req);
  account_seen = who.who.account;
  if (who.failure) return fail(*who.failure);
  auto parsed = parse_responses_request(body, shared.config.limits);
  if (auto* failure = std::get_if<api_error>(&parsed)) return fail(*failure);
  auto& request = std::get<responses_request>(parsed);
  model_seen = request.chat.model;
  auto started_jobs = start_completion_jobs(shared, route, who.who, request.chat, started);
  if (auto* refused = std::get_if<jobs_refused>(&started_jobs)) {
    if (refused->counted) return write_error(res, refused->error);
    return fail(refused->error);
  }
  auto reply = std::move(std::get<std::shared_ptr<reply_session>>(started_jobs));
  if (!request.chat.stream) return answer_whole(*reply, request.echo, res);
  if (auto failure = await_first_events(*reply)) {
    reply->abandon_all(is_client_closed(*failure));
    write_error(res, named_for_responses(*failure));
    return reply->finish_all(*failure);
  }
  answer_responses_stream(std::move(reply), std::move(request.echo), res);
}

}  // namespace infergrid::http

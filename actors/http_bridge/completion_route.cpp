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
    if (auto* failure = std::get_if<api_error>(&got)) {
      reply.abandon_all(is_client_closed(*failure));
      write_error(res, *failure);
      return reply.finish_all(*failure);
    }
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
  std::string account_seen, model_seen;
  auto fail = [&](const api_error& failure) {
    write_error(res, failure);
    count_refused(shared, route.path, account_seen, model_seen, failure, started);
  };
  const authentication who = authenticate(shared, req);
  account_seen = who.who.account;
  if (who.failure) return fail(*who.failure);
  auto parsed = kind == endpoint_kind::chat ? parse_chat_request(body, shared.config.limits)
                                            : parse_text_request(body, shared.config.limits);
  if (auto* failure = std::get_if<api_error>(&parsed)) return fail(*failure);
  auto& request = std::get<completion_request>(parsed);
  model_seen = request.model;
  auto started_jobs = start_completion_jobs(shared, route, who.who, request, started);
  if (auto* refused = std::get_if<jobs_refused>(&started_jobs)) {
    if (refused->counted) return write_error(res, refused->error);
    return fail(refused->error);
  }
  auto reply = std::move(std::get<std::shared_ptr<reply_session>>(started_jobs));
  if (request.stream) {
    if (auto failure = await_first_events(*reply)) {
      reply->abandon_all(is_client_closed(*failure));
      write_error(res, *failure);
      return reply->finish_all(*failure);
    }
    return answer_stream(std::move(reply), res);
  }
  answer_whole(*reply, res);
}

}  // namespace infergrid::http

#include "actors/http_bridge/responses_route.hpp"

#include <memory>
#include <utility>
#include <variant>

#include "actors/http_bridge/completion_jobs.hpp"
#include "actors/http_bridge/completion_stream.hpp"
#include "actors/http_bridge/http_replies.hpp"
#include "actors/http_bridge/responses_request.hpp"
#include "actors/http_bridge/responses_stream.hpp"
#include "runtime/actor_runner.hpp"

namespace infergrid::http {
namespace {

// A worker's refusal names chat's field; the client sent `input`.
api_error named_for_responses(api_error failure) {
  if (failure.param == "messages") failure.param = "input";
  return failure;
}

api_error not_kept(const std::string& id, const std::string& param) {
  return {param.empty() ? 404 : 400,
          "No response '" + id + "' is kept by this bridge for this key's account (never made here, made by another "
          "account, not stored, deleted, or older than stored_response_ttl_s; a bridge restart forgets them).",
          "invalid_request_error", param, param.empty() ? "not_found" : "previous_response_not_found"};
}

// Keeps a finished response (when asked to and the bridge keeps any): its conversation with its answer.
std::function<void(const ordered_json&)> keeper(bridge_shared& shared, const std::string& account,
                                                const responses_request& request) {
  if (!request.store || !shared.stored_responses.enabled()) return {};
  return [&shared, account, conversation = request.conversation](const ordered_json& response) {
    ordered_json history = conversation;
    history.push_back(assistant_turn_of(response["output"]));
    shared.stored_responses.put(response["id"].get<std::string>(), {account, response, std::move(history)},
                                unix_now_ms());
  };
}

void answer_whole(reply_session& reply, const ordered_json& echo, const std::function<void(const ordered_json&)>& keep,
                  httplib::Response& res) {
  choice_session& choice = *reply.choices.front();
  auto got = collect_answer(choice, reply.deadline);
  if (auto* failure = std::get_if<api_error>(&got)) return end_reply(reply, *failure, named_for_responses(*failure), res);
  const auto& answer = std::get<completion_piece>(got);
  const usage_counts usage = reply.usage();
  const response_outcome outcome = outcome_of(answer.finish_reason);
  const ordered_json response =
      response_json(choice.header, echo, outcome, output_items_json(answer, choice.request.logprobs), &usage);
  if (keep) keep(response);
  write_json(res, 200, response);
  reply.finish_all(200);
}

}  // namespace

void serve_responses(bridge_shared& shared, const httplib::Request& req, const std::string& body, httplib::Response& res) {
  const auto started = reply_clock::now();
  const completion_route_name route{responses_path, "resp_"};
  route_refusal fail{shared, route.path, started, res};
  const authentication who = authenticate(shared, req);
  fail.account = who.who.account;
  if (who.failure) return fail(*who.failure);
  previous_conversation previous;
  if (shared.stored_responses.enabled()) {
    previous = [&](const std::string& id) -> std::variant<ordered_json, api_error> {
      auto kept = shared.stored_responses.get(id, who.who.account, unix_now_ms());
      if (!kept) return not_kept(id, "previous_response_id");
      return std::move(kept->conversation);
    };
  }
  auto parsed = parse_responses_request(body, shared.config.limits, previous);
  if (auto* failure = std::get_if<api_error>(&parsed)) return fail(*failure);
  auto& request = std::get<responses_request>(parsed);
  fail.model = request.chat.model;
  auto keep = keeper(shared, who.who.account, request);
  request.echo["store"] = static_cast<bool>(keep);
  auto started_jobs = start_completion_jobs(shared, route, who.who, request.chat, started);
  if (auto* refused = std::get_if<jobs_refused>(&started_jobs)) return fail(*refused);
  auto reply = std::move(std::get<std::shared_ptr<reply_session>>(started_jobs));
  if (!request.chat.stream) return answer_whole(*reply, request.echo, keep, res);
  if (auto failure = await_first_events(*reply)) return end_reply(*reply, *failure, named_for_responses(*failure), res);
  answer_responses_stream(std::move(reply), std::move(request.echo), std::move(keep), res);
}

void serve_stored_response(bridge_shared& shared, const httplib::Request& req, const std::string& id,
                           httplib::Response& res) {
  const authentication who = authenticate(shared, req);
  if (who.failure) return write_error(res, *who.failure);
  if (req.method == "DELETE") {
    if (!shared.stored_responses.erase(id, who.who.account, unix_now_ms())) return write_error(res, not_kept(id, ""));
    return write_json(res, 200, ordered_json{{"id", id}, {"object", "response"}, {"deleted", true}});
  }
  auto kept = shared.stored_responses.get(id, who.who.account, unix_now_ms());
  if (!kept) return write_error(res, not_kept(id, ""));
  write_json(res, 200, kept->response);
}

}  // namespace infergrid::http

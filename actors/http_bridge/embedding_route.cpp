#include "actors/http_bridge/embedding_route.hpp"

#include <chrono>
#include <memory>
#include <variant>
#include <vector>

#include "actors/http_bridge/billing.hpp"
#include "actors/http_bridge/embedding_request.hpp"
#include "actors/http_bridge/embedding_response.hpp"
#include "actors/http_bridge/http_replies.hpp"
#include "actors/http_bridge/reply_session.hpp"
#include "runtime/identity.hpp"

namespace infergrid::http {
namespace {

using one_embedding = std::variant<std::vector<float>, api_error>;

// One input's embedding (its last event carries it), or the error that ends the response.
one_embedding collect(choice_session& input, reply_clock::time_point deadline) {
  while (true) {
    auto next = input.next_event(deadline);
    if (auto* failure = std::get_if<api_error>(&next)) return *failure;
    auto* event = &std::get<job_event>(next);
    if (event->what == job_event::kind::text) continue;
    input.ended = true;
    if (event->what == job_event::kind::failed) return event->failure;
    if (event->embedding.empty()) {
      return api_error{502, "The worker answered without an embedding.", "api_error", "", "bad_gateway"};
    }
    return std::move(event->embedding);
  }
}

// The job each input becomes: a text request for the model that generates nothing.
completion_request as_job(const embedding_request& request, const std::string& input) {
  completion_request job;
  job.kind = endpoint_kind::embedding;
  job.model = request.model;
  job.prompt = input;
  job.max_tokens = 0;
  job.user = request.user;
  return job;
}

}  // namespace

void serve_embeddings(bridge_shared& shared, const httplib::Request& req, const std::string& body,
                      httplib::Response& res) {
  const auto started = reply_clock::now();
  const std::string route = route_name(endpoint_kind::embedding);
  std::string account_seen, model_seen;
  auto fail = [&](const api_error& failure) {
    write_error(res, failure);
    count_refused(shared, route, account_seen, model_seen, failure, started);
  };
  const authentication who = authenticate(shared, req);
  const std::string& account = who.who.account;
  account_seen = account;
  if (who.failure) return fail(*who.failure);
  auto parsed = parse_embedding_request(body, max_embedding_inputs);
  if (auto* failure = std::get_if<api_error>(&parsed)) return fail(*failure);
  const auto& request = std::get<embedding_request>(parsed);
  model_seen = request.model;
  if (shared.catalog.known() && !shared.catalog.serves(request.model)) return fail(model_not_found(request.model));
  const auto payer = shared.config.settlement.empty() ? std::nullopt : shared.accounts.ledger_account_for(account);
  auto reply = std::make_shared<reply_session>();
  reply->deadline = reply_deadline(shared, started);
  const auto created_s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::vector<std::int64_t> max_costs;
  for (std::size_t i = 0; i < request.inputs.size(); ++i) {
    completion_request job_request = as_job(request, request.inputs[i]);
    const job_price caps = request_price_caps(shared.config, job_request);
    const std::int64_t max_cost = max_cost_micro(caps, prompt_tokens_upper_bound(request.inputs[i]), 0);
    const std::int64_t reserved = payer ? 0 : max_cost;
    if (auto held = shared.accounts.reserve(account, reserved); !held.ok()) {
      const api_error refused = insufficient_balance(held.err().message);
      for (auto& built : reply->choices) built->finish(refused.status, &refused);  // releases their reservations
      return fail(refused);
    }
    auto job = std::make_shared<job_stream>("embd-" + random_hex(16), reply->wake);
    const std::string response_id = reply->choices.empty() ? job->request_id() : reply->choices.front()->header.id;
    reply->choices.push_back(std::make_unique<choice_session>(choice_session{
        shared, job, endpoint_kind::embedding, std::move(job_request), {response_id, created_s, request.model, ""},
        job_meter{account, who.who.key_id, reserved, payer.has_value(), 0, 0, false, caps, std::nullopt},
        started, i}));
    max_costs.push_back(max_cost);
  }
  for (std::size_t i = 0; i < reply->choices.size(); ++i) {
    const auto& input = *reply->choices[i];
    bridge_command submit{bridge_command::kind::submit, input.job, input.request, request.inputs[i], payer.value_or(""),
                          payer ? max_costs[i] : 0, input.meter.caps};
    if (!shared.inbox.push(std::move(submit))) {
      const api_error full = overloaded("The bridge's queue is full; retry shortly.", shared.config.retry_after_s);
      reply->abandon_all(false);
      reply->finish_all(full);
      write_error(res, full);
      return;
    }
  }
  std::vector<std::vector<float>> embeddings;
  std::int64_t prompt_tokens = 0;
  for (auto& input : reply->choices) {
    auto got = collect(*input, reply->deadline);
    if (auto* failure = std::get_if<api_error>(&got)) {
      // The worker's context cannot hold this input: name it, as OpenAI names the field at fault.
      if (failure->code == "context_length_exceeded") {
        failure->param = request.inputs.size() == 1 ? "input" : "input[" + std::to_string(input->index) + "]";
      }
      reply->abandon_all(is_client_closed(*failure));
      write_error(res, *failure);
      return reply->finish_all(*failure);
    }
    embeddings.push_back(std::move(std::get<std::vector<float>>(got)));
    prompt_tokens += input->meter.prompt_tokens;
  }
  write_json(res, 200, embeddings_json(reply->choices.front()->job->request_id(), request.model, embeddings, request.base64, prompt_tokens));
  reply->finish_all(200);
}

}  // namespace infergrid::http

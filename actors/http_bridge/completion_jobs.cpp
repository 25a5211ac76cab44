#include "actors/http_bridge/completion_jobs.hpp"

#include <chrono>
#include <optional>
#include <vector>

#include "actors/http_bridge/billing.hpp"
#include "actors/http_bridge/chat_prompt.hpp"
#include "actors/http_bridge/fill_in_middle.hpp"
#include "kernels/model/chat/tool_call_parser.hpp"
#include "runtime/identity.hpp"

namespace infergrid::http {
namespace {

using prompts_or_error = std::variant<std::vector<std::string>, api_error>;

// What the worker is sent for each of the request's prompts: the chat rendered (one prompt); each
// text prompt as it is, or with `suffix` in the model's fill-in-the-middle order.
prompts_or_error worker_prompts(bridge_shared& shared, completion_request& request) {
  std::vector<std::string> prompts;
  if (request.kind == endpoint_kind::chat) {
    auto rendered = render_chat_prompt(shared.catalog.template_for(request.model), request);
    if (auto* failure = std::get_if<api_error>(&rendered)) return *failure;
    prompts.push_back(std::move(std::get<std::string>(rendered)));
    return prompts;
  }
  const auto fim = request.suffix.empty() ? std::nullopt : shared.catalog.fim_for(request.model);
  if (!request.suffix.empty() && !fim) {
    return api_error{400, "'suffix': model '" + request.model + "' has no fill-in-the-middle tokens in its vocabulary.",
                     "invalid_request_error", "suffix", "unsupported"};
  }
  for (const auto& text : request.prompts) prompts.push_back(fim ? fim_prompt(*fim, text, request.suffix) : text);
  return prompts;
}

// Ids beyond the vocabulary, named here where the model's file is known (else the worker refuses them).
std::optional<api_error> check_logit_bias(bridge_shared& shared, const completion_request& request) {
  const std::int64_t vocab = shared.catalog.vocab_size_for(request.model);
  if (vocab <= 0) return std::nullopt;
  for (const auto& [token, bias] : request.logit_bias) {
    if (token >= vocab) {
      return invalid_field("logit_bias", "'logit_bias' names token " + std::to_string(token) + "; model '" +
                                             request.model + "' has " + std::to_string(vocab) + " tokens.");
    }
  }
  return std::nullopt;
}

}  // namespace

void route_refusal::operator()(const api_error& failure) const {
  write_error(res, failure);
  count_refused(shared, route, account, model, failure, started);
}

void route_refusal::operator()(const jobs_refused& refused) const {
  if (refused.counted) return write_error(res, refused.error);
  (*this)(refused.error);
}

void end_reply(reply_session& reply, const api_error& failure, const api_error& shown, httplib::Response& res) {
  reply.abandon_all(is_client_closed(failure));
  write_error(res, shown);
  reply.finish_all(failure);
}

std::variant<std::shared_ptr<reply_session>, jobs_refused> start_completion_jobs(
    bridge_shared& shared, const completion_route_name& route, const caller& who, completion_request& request,
    reply_clock::time_point started) {
  const endpoint_kind kind = request.kind;
  if (shared.catalog.known() && !shared.catalog.serves(request.model)) return jobs_refused{model_not_found(request.model)};
  auto rendered = worker_prompts(shared, request);
  if (auto* failure = std::get_if<api_error>(&rendered)) return jobs_refused{*failure};
  const auto& prompts = std::get<std::vector<std::string>>(rendered);
  if (auto refused = check_output_rules(request)) return jobs_refused{*refused};
  if (auto refused = check_logit_bias(shared, request)) return jobs_refused{*refused};
  const job_price caps = request_price_caps(shared.config, request);
  std::vector<std::int64_t> max_costs;  // per prompt
  for (const auto& prompt : prompts) {
    max_costs.push_back(max_cost_micro(caps, prompt_tokens_upper_bound(prompt), request.max_tokens));
  }
  // Settlement mode: the actor escrows max_cost with the ledger before the job runs, and the
  // worker's receipt settles it; nothing is reserved or charged here (a meter reserving 0 charges 0).
  const auto payer = shared.config.settlement.empty() ? std::nullopt : shared.accounts.ledger_account_for(who.account);
  auto reply = std::make_shared<reply_session>();
  reply->deadline = reply_deadline(shared, started);
  reply->choices_per_prompt = static_cast<std::size_t>(request.choices);
  const auto created_s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::size_t jobs = prompts.size() * reply->choices_per_prompt;
  for (std::size_t index = 0; index < jobs; ++index) {
    // Each choice is its own job and reservation, choice i of each prompt at index prompt * n + i; a
    // request with a seed gives choice i seed + i.
    const std::size_t prompt_index = index / reply->choices_per_prompt;
    const std::size_t i = index % reply->choices_per_prompt;
    const std::int64_t reserved = payer ? 0 : max_costs[prompt_index];
    if (auto held = shared.accounts.reserve(who.account, reserved); !held.ok()) {
      const api_error refused = insufficient_balance(held.err().message);
      for (auto& built : reply->choices) built->finish(refused.status, &refused);  // releases their reservations
      return jobs_refused{refused};
    }
    completion_request own = request;
    if (request.seed) own.seed = *request.seed + static_cast<std::uint64_t>(i);
    if (kind == endpoint_kind::text) own.prompt = request.prompts[prompt_index];
    auto job = std::make_shared<job_stream>(route.id_prefix + random_hex(16), reply->wake);
    const std::string response_id = reply->choices.empty() ? job->request_id() : reply->choices.front()->header.id;
    auto choice = std::make_unique<choice_session>(choice_session{
        shared, job, kind, std::move(own), {response_id, created_s, request.model, ""},
        job_meter{who.account, who.key_id, reserved, payer.has_value(), 0, 0, false, caps, std::nullopt},
        started, index});
    choice->route = route.path;
    if (kind == endpoint_kind::chat && request.tools.active()) {
      choice->tool_format = chat::tool_format_of(shared.catalog.template_for(request.model));
      choice->tool_stream.emplace(choice->tool_format);
    }
    // A thinking model's reply unless the answer is constrained JSON (which leaves no room to think).
    if (kind == endpoint_kind::chat && chat::thinks(shared.catalog.template_for(request.model)) &&
        request.output.format.empty()) {
      choice->reasoning.emplace(chat::prompt_opens_reasoning(prompts.front()), shared.catalog.token_bytes_for(request.model));
    }
    reply->choices.push_back(std::move(choice));
  }
  for (auto& choice : reply->choices) {
    const std::size_t prompt_index = choice->index / reply->choices_per_prompt;
    bridge_command submit{bridge_command::kind::submit, choice->job, choice->request, prompts[prompt_index],
                          payer.value_or(""), payer ? max_costs[prompt_index] : 0, caps};
    if (!shared.inbox.push(std::move(submit))) {
      const api_error full = overloaded("The bridge's queue is full; retry shortly.", shared.config.retry_after_s);
      reply->abandon_all(false);
      reply->finish_all(full);
      return jobs_refused{full, true};
    }
  }
  return reply;
}

}  // namespace infergrid::http

#include "actors/http_bridge/completion_route.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "actors/http_bridge/billing.hpp"
#include "actors/http_bridge/chat_prompt.hpp"
#include "actors/http_bridge/http_replies.hpp"
#include "actors/http_bridge/completion_stream.hpp"
#include "actors/http_bridge/reply_session.hpp"
#include "kernels/model/chat/tool_call_parser.hpp"
#include "runtime/identity.hpp"

namespace infergrid::http {
namespace {

using whole_answer = std::variant<completion_piece, api_error>;

// One choice's whole answer (tool calls parsed), or the error that ends the response.
whole_answer collect(choice_session& choice, reply_clock::time_point deadline) {
  completion_piece answer;
  answer.index = choice.index;
  std::int64_t tokens = 0;
  while (true) {
    auto next = choice.next_event(deadline);
    if (auto* failure = std::get_if<api_error>(&next)) return *failure;
    auto* event = &std::get<job_event>(next);
    if (event->what == job_event::kind::text) {
      auto piece = choice.split(event->text, event->token_ids);
      answer.reasoning += piece.reasoning;
      answer.text += piece.content;
      answer.logprobs.insert(answer.logprobs.end(), event->logprobs.begin(), event->logprobs.end());
      tokens += event->tokens;
      continue;
    }
    choice.ended = true;
    if (event->what == job_event::kind::failed) return event->failure;
    auto rest = choice.split_rest();
    answer.reasoning += rest.reasoning;
    answer.text += rest.content;
    answer.finish_reason = event->finish_reason;
    if (choice.tool_format.supported) {
      auto reply = chat::parse_tool_calls(choice.tool_format, answer.text);
      answer.text = choice.forced_call() ? "" : std::move(reply.content);
      answer.call_expected = choice.forced_call();
      answer.tool_calls = std::move(reply.calls);
      choice.name_calls(answer.tool_calls);
      answer.finish_reason = choice.finish_reason(answer.finish_reason, !answer.tool_calls.empty());
    }
    if (choice.request.echo) answer.text = choice.request.prompt + answer.text;
    choice.meter.completion_tokens = tokens;
    return answer;
  }
}

// The whole response: every choice's answer, or the first error (the other jobs cancelled).
void answer_whole(reply_session& reply, httplib::Response& res) {
  std::vector<completion_piece> answers;
  for (auto& choice : reply.choices) {
    auto got = collect(*choice, reply.deadline);
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

// Unguessable (128 random bits): the id names the request on the bus, in receipts and the ledger.
std::string new_id(endpoint_kind kind) {
  return std::string(kind == endpoint_kind::chat ? "chatcmpl-" : "cmpl-") + random_hex(16);
}

}  // namespace

void serve_completion(bridge_shared& shared, endpoint_kind kind, const httplib::Request& req, const std::string& body,
                      httplib::Response& res) {
  const auto started = reply_clock::now();
  std::string account_seen, model_seen;
  auto fail = [&](const api_error& failure) {
    write_error(res, failure);
    count_refused(shared, route_name(kind), account_seen, model_seen, failure, started);
  };
  const authentication who = authenticate(shared, req);
  account_seen = who.who.account;
  if (who.failure) return fail(*who.failure);
  auto parsed = kind == endpoint_kind::chat ? parse_chat_request(body, shared.config.limits)
                                            : parse_text_request(body, shared.config.limits);
  if (auto* failure = std::get_if<api_error>(&parsed)) return fail(*failure);
  model_seen = std::get<completion_request>(parsed).model;
  auto& request = std::get<completion_request>(parsed);
  if (shared.catalog.known() && !shared.catalog.serves(request.model)) return fail(model_not_found(request.model));
  // What the worker is sent for each of the request's prompts: the chat rendered (one prompt); each
  // text prompt as it is, or with `suffix` in the model's fill-in-the-middle order.
  std::vector<std::string> prompts;
  if (kind == endpoint_kind::chat) {
    auto rendered = render_chat_prompt(shared.catalog.template_for(request.model), request);
    if (auto* failure = std::get_if<api_error>(&rendered)) return fail(*failure);
    prompts.push_back(std::move(std::get<std::string>(rendered)));
  } else {
    const auto fim = request.suffix.empty() ? std::nullopt : shared.catalog.fim_for(request.model);
    if (!request.suffix.empty() && !fim) {
      return fail({400, "'suffix': model '" + request.model + "' has no fill-in-the-middle tokens in its vocabulary.",
                   "invalid_request_error", "suffix", "unsupported"});
    }
    for (const auto& text : request.prompts) prompts.push_back(fim ? fim_prompt(*fim, text, request.suffix) : text);
  }
  if (auto refused = check_output_rules(request)) return fail(*refused);
  // Ids beyond the vocabulary, named here where the model's file is known (else the worker refuses them).
  if (const std::int64_t vocab = shared.catalog.vocab_size_for(request.model); vocab > 0) {
    for (const auto& [token, bias] : request.logit_bias) {
      if (token >= vocab) {
        return fail(invalid_field("logit_bias", "'logit_bias' names token " + std::to_string(token) + "; model '" +
                                                    request.model + "' has " + std::to_string(vocab) + " tokens."));
      }
    }
  }
  const auto& account = who.who.account;
  const auto& key_id = who.who.key_id;
  const job_price caps = request_price_caps(shared.config, request);
  std::vector<std::int64_t> max_costs;  // per prompt
  for (const auto& prompt : prompts) {
    max_costs.push_back(max_cost_micro(caps, prompt_tokens_upper_bound(prompt), request.max_tokens));
  }
  // Settlement mode: the actor escrows max_cost with the ledger before the job runs, and the
  // worker's receipt settles it; nothing is reserved or charged here (a meter reserving 0 charges 0).
  const auto payer = shared.config.settlement.empty() ? std::nullopt : shared.accounts.ledger_account_for(account);
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
    if (auto held = shared.accounts.reserve(account, reserved); !held.ok()) {
      const api_error refused = insufficient_balance(held.err().message);
      for (auto& built : reply->choices) built->finish(refused.status, &refused);  // releases their reservations
      return fail(refused);
    }
    completion_request own = request;
    if (request.seed) own.seed = *request.seed + static_cast<std::uint64_t>(i);
    if (kind == endpoint_kind::text) own.prompt = request.prompts[prompt_index];
    auto job = std::make_shared<job_stream>(new_id(kind), reply->wake);
    const std::string response_id = reply->choices.empty() ? job->request_id() : reply->choices.front()->header.id;
    auto choice = std::make_unique<choice_session>(choice_session{
        shared, job, kind, std::move(own), {response_id, created_s, request.model, ""},
        job_meter{account, key_id, reserved, payer.has_value(), 0, 0, false, caps, std::nullopt},
        started, index});
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
      write_error(res, full);
      return;
    }
  }
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

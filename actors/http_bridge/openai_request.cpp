#include "actors/http_bridge/openai_request.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "actors/http_bridge/json_fields.hpp"
#include "actors/http_bridge/tool_request.hpp"
#include "kernels/model/json_number_texts.hpp"
#include "messages/inference.hpp"

namespace infergrid::http {
namespace {

// Requests are read from one parse that keeps key order and numbers' texts: what the model is
// shown or held to (tool definitions, schemas, the arguments of earlier calls) is as the client
// wrote it, and a body with tools or a schema is parsed once (a second parse cost as much again).
using json = nlohmann::ordered_json;
using maybe_error = std::optional<api_error>;

// Alternatives per token on /v1/completions, whose `logprobs` is that count (OpenAI's bound).
constexpr std::int64_t max_text_logprobs = 5;
// Entries of one logit_bias object (OpenAI accepts about 300; vocabularies reach 150k).
constexpr std::size_t max_logit_biases = 1024;
// Choices one request may ask for (`n`), each its own job on the grid.
constexpr std::int64_t max_choices = 8;
// Prompts one /v1/completions request may hold, and jobs (prompts x n) it may start: 20 is LangChain's
// default batch (OpenAI.generate sends up to that many prompts in one request).
constexpr std::size_t max_prompts = 20;
constexpr std::int64_t max_jobs_per_request = 20;
// Largest top_k (vocabularies reach ~150k tokens; larger is no different from off) and repetition penalty.
constexpr std::int64_t max_top_k = 1 << 20;
constexpr double max_repeat_penalty = 10;
// Miners named in one provider list.
constexpr std::size_t max_provider_names = 64;

#define IG_HTTP_TRY(expr)                      \
  do {                                         \
    if (auto failed_ = (expr)) return *failed_; \
  } while (0)

maybe_error read_model(const json& body, completion_request& out) {
  IG_HTTP_TRY(assign(read_string(body, "model", "model"), out.model));
  if (out.model.empty()) return invalid_field("model", "'model' is required: name one of GET /v1/models.");
  return std::nullopt;
}

maybe_error read_stop(const json& body, const request_limits& limits, completion_request& out) {
  auto it = body.find("stop");
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) {
    out.stop = {it->get<std::string>()};
  } else {
    IG_HTTP_TRY(assign(read_string_list(body, "stop", "stop", limits.max_stop_sequences), out.stop));
  }
  for (std::size_t i = 0; i < out.stop.size(); ++i) {
    const std::string param = it->is_string() ? "stop" : "stop[" + std::to_string(i) + "]";
    if (out.stop[i].empty()) return invalid_field(param, "'" + param + "' must not be empty.");
    if (out.stop[i].size() > limits.max_stop_bytes) {
      return invalid_field(param, "'" + param + "' is longer than " + std::to_string(limits.max_stop_bytes) + " bytes.");
    }
  }
  return std::nullopt;
}

maybe_error read_provider(const json& body, routing_preferences& out) {
  auto it = body.find("provider");
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) return invalid_field("provider", "'provider' must be an object.");
  const json& provider = *it;
  IG_HTTP_TRY(assign(read_string_list(provider, "order", "provider.order", max_provider_names), out.order));
  IG_HTTP_TRY(assign(read_string_list(provider, "only", "provider.only", max_provider_names), out.only));
  IG_HTTP_TRY(assign(read_string_list(provider, "ignore", "provider.ignore", max_provider_names), out.ignore));
  IG_HTTP_TRY(assign(read_string_list(provider, "quantizations", "provider.quantizations", max_provider_names),
                     out.quantizations));
  IG_HTTP_TRY(assign(read_bool(provider, "allow_fallbacks", "provider.allow_fallbacks"), out.allow_fallbacks));
  auto price = provider.find("max_price");
  if (price != provider.end() && !price->is_null()) {
    if (!price->is_object()) return invalid_field("provider.max_price", "'provider.max_price' must be an object.");
    constexpr double max_usd_per_million = 1e9;
    IG_HTTP_TRY(assign(read_number(*price, "prompt", "provider.max_price.prompt", 0, max_usd_per_million),
                       out.max_price_prompt));
    IG_HTTP_TRY(assign(read_number(*price, "completion", "provider.max_price.completion", 0, max_usd_per_million),
                       out.max_price_completion));
  }
  return std::nullopt;
}

// `logit_bias`: {"<token id>": bias}, OpenAI's shape; at most max_logit_biases entries.
maybe_error read_logit_bias(const json& body, completion_request& out) {
  auto it = body.find("logit_bias");
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) return invalid_field("logit_bias", "'logit_bias' must be an object mapping token ids to biases.");
  if (it->size() > max_logit_biases) {
    return invalid_field("logit_bias", "'logit_bias' may hold at most " + std::to_string(max_logit_biases) + " entries.");
  }
  for (const auto& [key, value] : it->items()) {
    const std::string param = "logit_bias." + key;
    std::int64_t token = -1;
    const bool digits = !key.empty() && key.size() <= 9 && key.find_first_not_of("0123456789") == std::string::npos;
    if (digits) token = std::stoll(key);
    if (!digits) return invalid_field(param, "'" + param + "': logit_bias keys must be token ids (decimal integers).");
    if (!value.is_number() || value.get<double>() < -100 || value.get<double>() > 100) {
      return invalid_field(param, "'" + param + "' must be a number from -100 to 100.");
    }
    out.logit_bias.emplace_back(static_cast<std::int32_t>(token), value.get<float>());
  }
  return std::nullopt;
}

// Fields that change what the model must produce and that the grid does not implement yet. Each is
// a 400 naming it, never a 200 that quietly ignored it; `inert` says which values ask for nothing
// (null always does).
struct unimplemented_field {
  const char* key;
  bool (*inert)(const json& value);
  const char* what;
};
bool empty_list(const json& v) { return v.is_array() && v.empty(); }
bool is_none(const json& v) { return v.is_string() && v.get<std::string>() == "none"; }
bool implemented_format(const json& v) {
  return v.is_object() && v.contains("type") && v["type"].is_string() &&
         (v["type"] == "text" || v["type"] == "json_object" || v["type"] == "json_schema");
}
bool just_one(const json& v) { return v.is_number_integer() && v.get<std::int64_t>() == 1; }
bool text_only(const json& v) { return v.is_array() && v.size() == 1 && v[0] == "text"; }
bool never_inert(const json&) { return false; }

constexpr std::array unimplemented_fields = {
    unimplemented_field{"functions", empty_list, "the deprecated functions API is not supported; use 'tools'"},
    unimplemented_field{"function_call", is_none, "the deprecated functions API is not supported; use 'tool_choice'"},
    unimplemented_field{"response_format", implemented_format,
                        "the types supported are text, json_object and json_schema"},
    unimplemented_field{"best_of", just_one, "only best_of=1 is supported"},
    unimplemented_field{"modalities", text_only, "only text output is supported"},
    unimplemented_field{"audio", never_inert, "audio output is not supported"},
    unimplemented_field{"prediction", never_inert, "predicted outputs are not supported"},
    unimplemented_field{"web_search_options", never_inert, "web search is not supported"},
};

maybe_error refuse_unimplemented(const json& body) {
  for (const unimplemented_field& field : unimplemented_fields) {
    auto it = body.find(field.key);
    if (it == body.end() || it->is_null() || field.inert(*it)) continue;
    return unsupported_field(field.key, "'" + std::string(field.key) + "': " + field.what +
                                            " (the grid refuses it rather than answer without it).");
  }
  return std::nullopt;
}

// vLLM's and llama.cpp's sampler fields: honoured rather than ignored, since each changes the output.
maybe_error read_sampler_extensions(const json& body, completion_request& out) {
  IG_HTTP_TRY(assign(read_integer(body, "top_k", "top_k", -1, max_top_k), out.top_k));
  if (out.top_k < 0) out.top_k = 0;  // vLLM's -1: off
  IG_HTTP_TRY(assign(read_number(body, "min_p", "min_p", 0, 1), out.min_p));
  for (const char* name : {"repetition_penalty", "repeat_penalty"}) {
    IG_HTTP_TRY(assign(read_number(body, name, name, 0, max_repeat_penalty), out.repeat_penalty));
    if (out.repeat_penalty == 0) return invalid_field(name, "'" + std::string(name) + "' must be greater than 0.");
  }
  return std::nullopt;
}

// Fields shared by both endpoints.
maybe_error read_common(const json& body, const request_limits& limits, completion_request& out) {
  IG_HTTP_TRY(read_model(body, out));
  IG_HTTP_TRY(refuse_unimplemented(body));
  IG_HTTP_TRY(assign(read_integer(body, "n", "n", 1, max_choices), out.choices));
  std::optional<std::int64_t> max_tokens;
  IG_HTTP_TRY(assign(read_integer(body, "max_tokens", "max_tokens", 1, limits.max_tokens_limit), max_tokens));
  out.max_tokens = max_tokens.value_or(limits.default_max_tokens);
  IG_HTTP_TRY(assign(read_number(body, "temperature", "temperature", 0, 2), out.temperature));
  IG_HTTP_TRY(assign(read_number(body, "top_p", "top_p", 0, 1), out.top_p));  // 0: the most likely token only
  IG_HTTP_TRY(assign(read_number(body, "frequency_penalty", "frequency_penalty", -2, 2), out.frequency_penalty));
  IG_HTTP_TRY(assign(read_number(body, "presence_penalty", "presence_penalty", -2, 2), out.presence_penalty));
  IG_HTTP_TRY(read_sampler_extensions(body, out));
  // OpenAI takes int64 seeds, other servers uint64 ones: both, each value its own sampler seed.
  IG_HTTP_TRY(assign(read_integer_bits(body, "seed", "seed"), out.seed));
  IG_HTTP_TRY(read_stop(body, limits, out));
  // vLLM's switch: the stop string that ends the output is kept in it.
  bool include_stop = false;
  IG_HTTP_TRY(assign(read_bool(body, "include_stop_str_in_output", "include_stop_str_in_output"), include_stop));
  if (include_stop) out.stop_after = std::exchange(out.stop, {});
  IG_HTTP_TRY(read_logit_bias(body, out));
  if (auto format = body.find("response_format"); format != body.end() && implemented_format(*format)) {
    if ((*format)["type"] == "json_object") out.output.format = "json_object";
  }
  IG_HTTP_TRY(assign(read_bool(body, "stream", "stream"), out.stream));
  auto options = body.find("stream_options");
  if (options != body.end() && !options->is_null()) {
    if (!options->is_object()) return invalid_field("stream_options", "'stream_options' must be an object.");
    if (!out.stream) return invalid_field("stream_options", "'stream_options' is only allowed when 'stream' is true.");
    IG_HTTP_TRY(assign(read_bool(*options, "include_usage", "stream_options.include_usage"), out.include_usage));
  }
  IG_HTTP_TRY(assign(read_string(body, "user", "user"), out.user));
  return read_provider(body, out.provider);
}

maybe_error read_content(const json& message, const std::string& param, std::string& out) {
  auto it = message.find("content");
  if (it == message.end() || it->is_null()) return std::nullopt;  // read_messages says who may carry none
  if (it->is_string()) {
    out = it->get<std::string>();
    return std::nullopt;
  }
  if (!it->is_array()) return invalid_field(param, "'" + param + "' must be a string or an array of text parts.");
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& part = (*it)[i];
    const std::string part_param = param + "[" + std::to_string(i) + "]";
    if (!part.is_object() || part.value("type", "") != "text" || !part.contains("text") || !part["text"].is_string()) {
      return unsupported_field(part_param, "'" + part_param + "' must be {\"type\": \"text\", \"text\": ...}; only text "
                                                              "content is supported.");
    }
    out += part["text"].get<std::string>();
  }
  return std::nullopt;
}

maybe_error read_messages(const model::json_with_number_texts& document, const request_limits& limits,
                          completion_request& out) {
  const json& body = document.value;
  auto it = body.find("messages");
  if (it == body.end() || it->is_null()) return invalid_field("messages", "'messages' is required.");
  if (!it->is_array()) return invalid_field("messages", "'messages' must be an array.");
  if (it->empty()) return invalid_field("messages", "'messages' must hold at least one message.");
  if (it->size() > limits.max_messages) {
    return invalid_field("messages", "'messages' may hold at most " + std::to_string(limits.max_messages) + " items.");
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& message = (*it)[i];
    const std::string param = "messages[" + std::to_string(i) + "]";
    if (!message.is_object()) return invalid_field(param, "'" + param + "' must be an object.");
    chat_message parsed;
    IG_HTTP_TRY(assign(read_string(message, "role", param + ".role"), parsed.role));
    if (parsed.role == "developer") parsed.role = "system";
    if (parsed.role != "system" && parsed.role != "user" && parsed.role != "assistant" && parsed.role != "tool") {
      return invalid_field(param + ".role", "'" + param + ".role' must be one of system, developer, user, assistant, tool (got '" +
                                                parsed.role + "').");
    }
    IG_HTTP_TRY(read_content(message, param + ".content", parsed.content));
    // A participant's name: optional, unused by the chat templates, but as OpenAI a string.
    std::string name;
    IG_HTTP_TRY(assign(read_string(message, "name", param + ".name"), name));
    if (message.contains("tool_calls") || parsed.role == "tool") {
      IG_HTTP_TRY(read_message_tool_fields(message, document.texts, "/messages/" + std::to_string(i), param, parsed));
    }
    // As OpenAI: system, user and tool messages carry content ("" counts); an assistant turn in the
    // history may carry none (its tool calls, or an empty reply).
    const auto content = message.find("content");
    if ((content == message.end() || content->is_null()) && parsed.role != "assistant") {
      return invalid_field(param + ".content", "'" + param + ".content' is required.");
    }
    out.messages.push_back(std::move(parsed));
  }
  return std::nullopt;
}

maybe_error read_logprobs_chat(const json& body, completion_request& out) {
  IG_HTTP_TRY(assign(read_bool(body, "logprobs", "logprobs"), out.logprobs));
  std::optional<std::int64_t> top;
  IG_HTTP_TRY(assign(read_integer(body, "top_logprobs", "top_logprobs", 0, max_top_logprobs), top));
  if (top && !out.logprobs) return invalid_field("top_logprobs", "'top_logprobs' requires 'logprobs' to be true.");
  out.top_logprobs = static_cast<std::int32_t>(top.value_or(0));
  return std::nullopt;
}

maybe_error read_prompt(const json& body, completion_request& out) {
  auto it = body.find("prompt");
  if (it == body.end() || it->is_null()) return invalid_field("prompt", "'prompt' is required.");
  if (it->is_string()) {
    out.prompts = {it->get<std::string>()};
  } else if (it->is_array() && !it->empty() && it->size() <= max_prompts &&
             std::all_of(it->begin(), it->end(), [](const json& p) { return p.is_string(); })) {
    for (const auto& prompt : *it) out.prompts.push_back(prompt.get<std::string>());
  } else {
    return invalid_field("prompt", "'prompt' must be a string or an array of 1 to " + std::to_string(max_prompts) +
                                       " strings (token-id prompts are not supported).");
  }
  out.prompt = out.prompts.front();
  if (static_cast<std::int64_t>(out.prompts.size()) * out.choices > max_jobs_per_request) {
    return invalid_field("prompt", "'prompt' holds " + std::to_string(out.prompts.size()) + " prompts and 'n' is " +
                                       std::to_string(out.choices) + ": at most " + std::to_string(max_jobs_per_request) +
                                       " completions per request.");
  }
  return std::nullopt;
}

maybe_error read_template_kwargs(const json& body, completion_request& out) {
  auto it = body.find("chat_template_kwargs");
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) return invalid_field("chat_template_kwargs", "'chat_template_kwargs' must be an object.");
  auto thinking = it->find("enable_thinking");
  if (thinking == it->end() || thinking->is_null()) return std::nullopt;
  if (!thinking->is_boolean()) {
    return invalid_field("chat_template_kwargs.enable_thinking",
                         "'chat_template_kwargs.enable_thinking' must be a boolean.");
  }
  out.enable_thinking = thinking->get<bool>();
  return std::nullopt;
}

// OpenAI's `reasoning_effort` on a hybrid-thinking template (Qwen3): "none" and "minimal" switch
// thinking off, "low", "medium" and "high" leave it on (no thinking budget: the three are alike).
// An explicit chat_template_kwargs.enable_thinking wins.
maybe_error read_reasoning_effort(const json& body, completion_request& out) {
  auto it = body.find("reasoning_effort");
  if (it == body.end() || it->is_null()) return std::nullopt;
  static constexpr std::array<std::pair<std::string_view, bool>, 5> thinks = {
      {{"none", false}, {"minimal", false}, {"low", true}, {"medium", true}, {"high", true}}};
  const auto known = it->is_string() ? std::find_if(thinks.begin(), thinks.end(),
                                                    [&](const auto& e) { return e.first == it->get_ref<const std::string&>(); })
                                     : thinks.end();
  if (known == thinks.end()) {
    return invalid_field("reasoning_effort", "'reasoning_effort' must be one of none, minimal, low, medium, high.");
  }
  if (!out.enable_thinking) out.enable_thinking = known->second;
  return std::nullopt;
}

// Largest response_format json_schema accepted, as JSON text.
constexpr std::size_t max_schema_bytes = 64 * 1024;

// `response_format: {"type": "json_schema", "json_schema": {"name", "schema", "strict"}}` (key order kept).
maybe_error read_json_schema(const model::json_with_number_texts& document, completion_request& out) {
  const nlohmann::ordered_json& body = document.value;
  auto format = body.find("response_format");
  if (format == body.end() || !format->is_object() || format->value("type", "") != "json_schema") return std::nullopt;
  auto spec = format->find("json_schema");
  if (spec == format->end() || !spec->is_object()) {
    return invalid_field("response_format.json_schema", "'response_format.json_schema' must be an object with "
                                                        "'name' and 'schema'.");
  }
  auto name = spec->find("name");
  if (name == spec->end() || !name->is_string() || name->get<std::string>().empty()) {
    return invalid_field("response_format.json_schema.name", "'response_format.json_schema.name' is required.");
  }
  auto schema = spec->find("schema");
  if (schema == spec->end() || !schema->is_object()) {
    return invalid_field("response_format.json_schema.schema",
                         "'response_format.json_schema.schema' must be a JSON Schema object.");
  }
  out.output.format = "json_schema";
  // Its numbers as the client wrote them: a bound or multipleOf past a double's precision is the
  // client's number, not the nearest double's.
  out.output.schema = model::dump_keeping_number_texts(*schema, document.texts, "/response_format/json_schema/schema");
  if (out.output.schema.size() > max_schema_bytes) {
    return invalid_field("response_format.json_schema.schema", "'response_format.json_schema.schema' is larger than " +
                                                                   std::to_string(max_schema_bytes) + " bytes.");
  }
  return std::nullopt;
}

// Output held to a grammar (response_format json_object/json_schema, or a tool_choice that forces a
// call) ends when the grammar is complete; a stop string would cut it short, leaving invalid JSON
// or the call's markup as text with finish_reason "stop".
maybe_error refuse_stop_in_constrained_output(const completion_request& out) {
  if (out.stop.empty() && out.stop_after.empty()) return std::nullopt;
  const bool forced_call = out.tools.forces_call();
  if (out.output.format.empty() && !forced_call) return std::nullopt;
  return invalid_field("stop", std::string("'stop' cannot be combined with ") +
                                   (forced_call ? "a tool_choice that forces a tool call" : "response_format " + out.output.format) +
                                   ": a stop string would cut the constrained output short.");
}

// The fields whose key order matters (tool definitions, schemas).
maybe_error read_ordered_fields(const model::json_with_number_texts& document, completion_request& out) {
  const json& body = document.value;
  const bool wanted = body.contains("tools") || body.contains("tool_choice") || body.contains("parallel_tool_calls") ||
                      body.contains("response_format");
  if (!wanted) return std::nullopt;
  IG_HTTP_TRY(read_tools(document, out.tools));
  return read_json_schema(document, out);
}

}  // namespace

parsed_request parse_chat_request(std::string_view body, const request_limits& limits) {
  auto parsed = parse_json_object_keeping_number_texts(body);
  if (auto* failure = std::get_if<api_error>(&parsed)) return *failure;
  return parse_chat_document(std::get<model::json_with_number_texts>(parsed), limits);
}

parsed_request parse_chat_document(const model::json_with_number_texts& whole, const request_limits& limits) {
  const json* document = &whole.value;
  completion_request out;
  out.kind = endpoint_kind::chat;
  if (auto failed = read_common(*document, limits, out)) return *failed;
  std::optional<std::int64_t> completion_tokens;
  if (auto failed = assign(read_integer(*document, "max_completion_tokens", "max_completion_tokens", 1,
                                        limits.max_tokens_limit),
                           completion_tokens)) {
    return *failed;
  }
  if (completion_tokens) out.max_tokens = *completion_tokens;  // the newer name wins
  if (auto failed = read_messages(whole, limits, out)) return *failed;
  if (auto failed = read_logprobs_chat(*document, out)) return *failed;
  if (auto failed = read_template_kwargs(*document, out)) return *failed;
  if (auto failed = read_reasoning_effort(*document, out)) return *failed;
  if (auto failed = read_ordered_fields(whole, out)) return *failed;
  if (auto failed = refuse_stop_in_constrained_output(out)) return *failed;
  return out;
}

parsed_request parse_text_request(std::string_view body, const request_limits& limits) {
  auto parsed = parse_json_object_keeping_number_texts(body);
  if (auto* failure = std::get_if<api_error>(&parsed)) return *failure;
  const model::json_with_number_texts& whole = std::get<model::json_with_number_texts>(parsed);
  const json* document = &whole.value;
  completion_request out;
  out.kind = endpoint_kind::text;
  if (auto failed = read_common(*document, limits, out)) return *failed;
  if (auto failed = read_prompt(*document, out)) return *failed;
  for (const char* chat_only : {"tools", "tool_choice"}) {
    auto it = document->find(chat_only);
    if (it != document->end() && !it->is_null()) {
      return unsupported_field(chat_only, "'" + std::string(chat_only) + "' is a /v1/chat/completions field.");
    }
  }
  if (auto failed = read_ordered_fields(whole, out)) return *failed;
  if (auto failed = refuse_stop_in_constrained_output(out)) return *failed;
  if (auto failed = assign(read_bool(*document, "echo", "echo"), out.echo)) return *failed;
  if (auto failed = assign(read_string(*document, "suffix", "suffix"), out.suffix)) return *failed;
  std::optional<std::int64_t> logprobs;  // the legacy API: an integer count of alternatives
  if (auto failed = assign(read_integer(*document, "logprobs", "logprobs", 0, max_text_logprobs), logprobs)) {
    return *failed;
  }
  if (logprobs) {
    out.logprobs = true;
    out.top_logprobs = static_cast<std::int32_t>(*logprobs);
  }
  if (out.echo && out.logprobs) {
    return unsupported_field("echo", "'echo' with 'logprobs' is not supported: the prompt's tokens get no logprobs.");
  }
  return out;
}

}  // namespace infergrid::http

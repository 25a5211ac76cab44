#include "actors/http_bridge/responses_request.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "actors/http_bridge/json_fields.hpp"

namespace infergrid::http {
namespace {

using json = nlohmann::ordered_json;
using maybe_error = std::optional<api_error>;

#define IG_RESPONSES_TRY(expr)                  \
  do {                                          \
    if (auto failed_ = (expr)) return *failed_; \
  } while (0)

// What the chat reader calls a field (a prefix: "messages[3].tool_calls[0].function.") and what the
// client called it ("input[4].").
struct param_alias {
  std::string chat;
  std::string responses;
};

// The chat body being written, with its numbers' texts and the names to give its errors.
struct translation {
  json chat = json::object();
  model::number_texts texts;
  std::vector<param_alias> aliases;
  bool instructed = false;  // messages[0] is the instructions
};

std::string at(const std::string& name, std::size_t index) { return name + "[" + std::to_string(index) + "]"; }

// Settings a Responses body may carry that the grid cannot honour: a 400 naming each unless its value
// asks for nothing (null always does).
struct refused_field {
  const char* key;
  bool (*inert)(const json& value);
  const char* why;
};
bool never_inert(const json&) { return false; }
bool is_false(const json& v) { return v.is_boolean() && !v.get<bool>(); }
bool is_disabled(const json& v) { return v == "disabled"; }
bool is_default_tier(const json& v) { return v == "auto" || v == "default"; }

constexpr std::array refused_fields = {
    refused_field{"conversation", never_inert, "this grid keeps no conversations: send the whole conversation in 'input'"},
    refused_field{"background", is_false, "background responses are not supported"},
    refused_field{"prompt", never_inert, "stored prompt templates are not supported"},
    refused_field{"truncation", is_disabled,
                  "only 'disabled' is supported: an input longer than the model's context is a 400"},
    refused_field{"max_tool_calls", never_inert, "not supported; 'parallel_tool_calls': false allows one call"},
    refused_field{"service_tier", is_default_tier, "only 'auto' and 'default' are supported"},
};

maybe_error refuse_unsupported(const json& body) {
  for (const refused_field& field : refused_fields) {
    auto it = body.find(field.key);
    if (it == body.end() || it->is_null() || field.inert(*it)) continue;
    return unsupported_field(field.key, "'" + std::string(field.key) + "': " + field.why + ".");
  }
  return std::nullopt;
}

// Fields with the same name and meaning in both APIs (OpenAI's, and the sampler and routing
// extensions the chat endpoint takes).
constexpr std::array same_fields = {"model",          "temperature",        "top_p",          "stream",
                                    "user",           "seed",               "top_k",          "min_p",
                                    "repetition_penalty", "repeat_penalty", "frequency_penalty", "presence_penalty",
                                    "logit_bias",     "stop",               "provider",       "chat_template_kwargs",
                                    "parallel_tool_calls", "include_stop_str_in_output"};

void copy_same_fields(const json& body, translation& out) {
  for (const char* key : same_fields) {
    if (auto it = body.find(key); it != body.end()) out.chat[key] = *it;
  }
}

// A message's text: a string, or an array of text parts (input_text, output_text; a refusal's text).
maybe_error read_text_content(const json& content, const std::string& param, std::string& out) {
  if (content.is_string()) {
    out = content.get<std::string>();
    return std::nullopt;
  }
  if (!content.is_array()) return invalid_field(param, "'" + param + "' must be a string or an array of content parts.");
  for (std::size_t i = 0; i < content.size(); ++i) {
    const json& part = content[i];
    const std::string part_param = at(param, i);
    const std::string type = part.is_object() ? part.value("type", "") : "";
    const char* text_key = type == "refusal" ? "refusal" : "text";
    const bool text_part = type == "input_text" || type == "output_text" || type == "refusal";
    if (!text_part || !part.contains(text_key) || !part[text_key].is_string()) {
      return unsupported_field(part_param, "'" + part_param + "' must be a text part ({\"type\": \"input_text\", "
                                                              "\"text\": ...}); only text input is supported (got '" +
                                               type + "').");
    }
    out += part[text_key].get<std::string>();
  }
  return std::nullopt;
}

maybe_error read_string_member(const json& item, const char* key, const std::string& param, std::string& out) {
  auto it = item.find(key);
  const std::string name = param + "." + key;
  if (it == item.end() || !it->is_string()) return invalid_field(name, "'" + name + "' is required (a string).");
  out = it->get<std::string>();
  return std::nullopt;
}

void add_message(translation& out, json message, const std::string& param) {
  const std::string chat_param = at("messages", out.chat["messages"].size());
  out.aliases.push_back({chat_param, param});
  out.chat["messages"].push_back(std::move(message));
}

maybe_error read_message_item(const json& item, const std::string& param, translation& out) {
  std::string role;
  IG_RESPONSES_TRY(read_string_member(item, "role", param, role));
  if (role != "user" && role != "assistant" && role != "system" && role != "developer") {
    return invalid_field(param + ".role", "'" + param + ".role' must be one of user, assistant, system, developer (got '" +
                                              role + "').");
  }
  auto content = item.find("content");
  if (content == item.end() || content->is_null()) {
    return invalid_field(param + ".content", "'" + param + ".content' is required.");
  }
  std::string text;
  IG_RESPONSES_TRY(read_text_content(*content, param + ".content", text));
  add_message(out, json{{"role", role}, {"content", text}}, param);
  return std::nullopt;
}

// A call the model made earlier: joins the assistant turn before it (its text, or its other calls).
maybe_error read_function_call_item(const json& item, const std::string& param, translation& out) {
  std::string call_id, name, arguments;
  IG_RESPONSES_TRY(read_string_member(item, "call_id", param, call_id));
  IG_RESPONSES_TRY(read_string_member(item, "name", param, name));
  IG_RESPONSES_TRY(read_string_member(item, "arguments", param, arguments));
  json& messages = out.chat["messages"];
  if (messages.empty() || messages.back().value("role", "") != "assistant") {
    add_message(out, json{{"role", "assistant"}, {"content", nullptr}}, param);
  }
  json& turn = messages.back();
  if (!turn.contains("tool_calls")) turn["tool_calls"] = json::array();
  const std::string chat_param = at(at("messages", messages.size() - 1) + ".tool_calls", turn["tool_calls"].size());
  out.aliases.push_back({chat_param + ".function.", param + "."});
  out.aliases.push_back({chat_param + ".id", param + ".call_id"});
  out.aliases.push_back({chat_param, param});
  turn["tool_calls"].push_back(
      json{{"id", call_id}, {"type", "function"}, {"function", {{"name", name}, {"arguments", arguments}}}});
  return std::nullopt;
}

maybe_error read_function_output_item(const json& item, const std::string& param, translation& out) {
  std::string call_id, output;
  IG_RESPONSES_TRY(read_string_member(item, "call_id", param, call_id));
  auto given = item.find("output");
  if (given == item.end() || given->is_null()) return invalid_field(param + ".output", "'" + param + ".output' is required.");
  IG_RESPONSES_TRY(read_text_content(*given, param + ".output", output));
  const std::string chat_param = at("messages", out.chat["messages"].size());
  out.aliases.push_back({chat_param + ".tool_call_id", param + ".call_id"});
  out.aliases.push_back({chat_param + ".content", param + ".output"});
  add_message(out, json{{"role", "tool"}, {"tool_call_id", call_id}, {"content", output}}, param);
  return std::nullopt;
}

using item_reader = maybe_error (*)(const json& item, const std::string& param, translation& out);

struct input_item_kind {
  const char* type;
  item_reader read;  // nullptr: the item is dropped (reasoning: chat templates drop past reasoning)
};

constexpr std::array input_item_kinds = {
    input_item_kind{"message", read_message_item},
    input_item_kind{"function_call", read_function_call_item},
    input_item_kind{"function_call_output", read_function_output_item},
    input_item_kind{"reasoning", nullptr},
};

// `previous_response_id`: the conversation it ended goes before the input.
maybe_error read_previous(const json& body, const previous_conversation& previous, translation& out) {
  auto id = body.find("previous_response_id");
  if (id == body.end() || id->is_null()) return std::nullopt;
  if (!id->is_string()) return invalid_field("previous_response_id", "'previous_response_id' must be a string.");
  if (!previous) {
    return unsupported_field("previous_response_id", "'previous_response_id': this bridge keeps no responses "
                                                     "(stored_responses_mb: 0); send the whole conversation in 'input'.");
  }
  auto found = previous(id->get<std::string>());
  if (auto* failure = std::get_if<api_error>(&found)) return *failure;
  for (auto& message : std::get<json>(found)) add_message(out, std::move(message), "previous_response_id");
  return std::nullopt;
}

maybe_error read_input(const json& body, const request_limits& limits, const previous_conversation& previous,
                       translation& out) {
  out.chat["messages"] = json::array();
  if (auto instructions = body.find("instructions"); instructions != body.end() && !instructions->is_null()) {
    if (!instructions->is_string()) return invalid_field("instructions", "'instructions' must be a string.");
    if (!instructions->get_ref<const std::string&>().empty()) {
      add_message(out, json{{"role", "system"}, {"content", *instructions}}, "instructions");
      out.instructed = true;
    }
  }
  IG_RESPONSES_TRY(read_previous(body, previous, out));
  out.aliases.push_back({"messages", "input"});  // the whole list ("may hold at most N items")
  auto input = body.find("input");
  if (input == body.end() || input->is_null()) {
    return invalid_field("input", "'input' is required: a string, or an array of input items.");
  }
  if (input->is_string()) {
    add_message(out, json{{"role", "user"}, {"content", *input}}, "input");
    return std::nullopt;
  }
  if (!input->is_array()) return invalid_field("input", "'input' must be a string or an array of input items.");
  if (input->empty()) return invalid_field("input", "'input' must hold at least one item.");
  if (input->size() > limits.max_messages) {
    return invalid_field("input", "'input' may hold at most " + std::to_string(limits.max_messages) + " items.");
  }
  for (std::size_t i = 0; i < input->size(); ++i) {
    const json& item = (*input)[i];
    const std::string param = at("input", i);
    if (!item.is_object()) return invalid_field(param, "'" + param + "' must be an object.");
    auto type = item.find("type");
    if (type != item.end() && !type->is_string()) return invalid_field(param + ".type", "'" + param + ".type' must be a string.");
    const std::string name = type == item.end() ? "message" : type->get<std::string>();
    const auto kind = std::find_if(input_item_kinds.begin(), input_item_kinds.end(),
                                   [&](const input_item_kind& k) { return name == k.type; });
    if (kind == input_item_kinds.end()) {
      return unsupported_field(param + ".type", "'" + param + ".type' '" + name +
                                                    "' is not supported: input items are message, function_call, "
                                                    "function_call_output and reasoning.");
    }
    if (kind->read) IG_RESPONSES_TRY(kind->read(item, param, out));
  }
  if (out.chat["messages"].empty()) return invalid_field("input", "'input' holds no message.");
  return std::nullopt;
}

// Flat function tools ({"type": "function", "name", "description", "parameters", "strict"}) become
// chat's nested ones, keys and numbers as sent.
maybe_error read_tools(const json& body, const model::number_texts& texts, translation& out) {
  auto tools = body.find("tools");
  if (tools == body.end() || tools->is_null()) return std::nullopt;
  if (!tools->is_array()) return invalid_field("tools", "'tools' must be an array.");
  json chat_tools = json::array();
  for (std::size_t i = 0; i < tools->size(); ++i) {
    const json& tool = (*tools)[i];
    const std::string param = at("tools", i);
    if (!tool.is_object()) return invalid_field(param, "'" + param + "' must be an object.");
    const std::string type = tool.value("type", "");
    if (type != "function") {
      return unsupported_field(param + ".type", "'" + param + ".type': only function tools are supported (got '" + type +
                                                    "'); hosted tools (web search, file search, ...) are not.");
    }
    json function = json::object();
    for (const auto& [key, value] : tool.items()) {
      if (key != "type") function[key] = value;
    }
    const std::string from = "/tools/" + std::to_string(i);
    out.texts.merge(model::moved_number_texts(texts, from, "/tools/" + std::to_string(i) + "/function"));
    out.aliases.push_back({param + ".function.", param + "."});
    out.aliases.push_back({param + ".function", param});
    chat_tools.push_back(json{{"type", "function"}, {"function", std::move(function)}});
  }
  out.chat["tools"] = std::move(chat_tools);
  return std::nullopt;
}

maybe_error read_tool_choice(const json& body, translation& out) {
  auto choice = body.find("tool_choice");
  if (choice == body.end() || choice->is_null()) return std::nullopt;
  if (choice->is_string()) {
    out.chat["tool_choice"] = *choice;
    return std::nullopt;
  }
  if (!choice->is_object() || choice->value("type", "") != "function") {
    return unsupported_field("tool_choice", "'tool_choice' must be none, auto, required or {\"type\": \"function\", "
                                            "\"name\": ...}.");
  }
  auto name = choice->find("name");
  if (name == choice->end() || !name->is_string() || name->get_ref<const std::string&>().empty()) {
    return invalid_field("tool_choice.name", "'tool_choice.name' is required: the function that must be called.");
  }
  out.chat["tool_choice"] = json{{"type", "function"}, {"function", {{"name", *name}}}};
  out.aliases.push_back({"tool_choice.function.name", "tool_choice.name"});
  return std::nullopt;
}

// `text.format` ({"type": "text" | "json_object" | "json_schema", "name", "schema", "strict"}) is
// chat's response_format, the schema's numbers as sent.
maybe_error read_text_format(const json& body, const model::number_texts& texts, translation& out) {
  auto text = body.find("text");
  if (text == body.end() || text->is_null()) return std::nullopt;
  if (!text->is_object()) return invalid_field("text", "'text' must be an object.");
  if (auto verbosity = text->find("verbosity"); verbosity != text->end() && !verbosity->is_null() && *verbosity != "medium") {
    return unsupported_field("text.verbosity", "'text.verbosity': only 'medium' is supported.");
  }
  auto format = text->find("format");
  if (format == text->end() || format->is_null()) return std::nullopt;
  if (!format->is_object()) return invalid_field("text.format", "'text.format' must be an object.");
  const std::string type = format->value("type", "");
  if (type != "json_schema") {
    out.chat["response_format"] = json{{"type", type}};
    out.aliases.push_back({"response_format", "text.format"});
    return std::nullopt;
  }
  json spec = json::object();
  for (const char* key : {"name", "schema", "strict", "description"}) {
    if (auto it = format->find(key); it != format->end()) spec[key] = *it;
  }
  out.chat["response_format"] = json{{"type", "json_schema"}, {"json_schema", std::move(spec)}};
  out.texts.merge(model::moved_number_texts(texts, "/text/format/schema", "/response_format/json_schema/schema"));
  out.aliases.push_back({"response_format.json_schema.", "text.format."});
  out.aliases.push_back({"response_format", "text.format"});
  return std::nullopt;
}

maybe_error read_reasoning(const json& body, translation& out) {
  auto reasoning = body.find("reasoning");
  if (reasoning == body.end() || reasoning->is_null()) return std::nullopt;
  if (!reasoning->is_object()) return invalid_field("reasoning", "'reasoning' must be an object.");
  if (auto effort = reasoning->find("effort"); effort != reasoning->end()) out.chat["reasoning_effort"] = *effort;
  out.aliases.push_back({"reasoning_effort", "reasoning.effort"});
  auto summary = reasoning->find("summary");
  if (summary != reasoning->end() && !summary->is_null() && summary->is_string() &&
      (*summary == "auto" || *summary == "concise" || *summary == "detailed")) {
    return std::nullopt;  // the reasoning is returned whole (reasoning_text), not summarised
  }
  if (summary != reasoning->end() && !summary->is_null()) {
    return invalid_field("reasoning.summary", "'reasoning.summary' must be auto, concise or detailed.");
  }
  return std::nullopt;
}

// `include` names extra output; of what the grid makes, only logprobs is extra. The rest of
// OpenAI's values concern hosted tools and images, which are refused elsewhere (nothing to include).
constexpr std::array known_includes = {"message.output_text.logprobs", "reasoning.encrypted_content",
                                       "file_search_call.results",     "web_search_call.results",
                                       "web_search_call.action.sources", "message.input_image.image_url",
                                       "computer_call_output.output.image_url", "code_interpreter_call.outputs"};

maybe_error read_logprobs(const json& body, translation& out) {
  bool wanted = false;
  if (auto include = body.find("include"); include != body.end() && !include->is_null()) {
    if (!include->is_array()) return invalid_field("include", "'include' must be an array of strings.");
    for (std::size_t i = 0; i < include->size(); ++i) {
      const json& value = (*include)[i];
      const bool known = value.is_string() && std::find(known_includes.begin(), known_includes.end(),
                                                        value.get<std::string>()) != known_includes.end();
      if (!known) return invalid_field(at("include", i), "'" + at("include", i) + "' is not a known include value.");
      wanted = wanted || value == "message.output_text.logprobs";
    }
  }
  std::optional<std::int64_t> top;
  IG_RESPONSES_TRY(assign(read_integer(body, "top_logprobs", "top_logprobs", 0, 20), top));
  if (top) out.chat["top_logprobs"] = *top;
  if (wanted || top.value_or(0) > 0) out.chat["logprobs"] = true;
  return std::nullopt;
}

maybe_error read_metadata(const json& body) {
  // OpenAI's bounds: 16 pairs, keys up to 64 characters, string values up to 512.
  constexpr std::size_t max_pairs = 16, max_key = 64, max_value = 512;
  auto metadata = body.find("metadata");
  if (metadata == body.end() || metadata->is_null()) return std::nullopt;
  const bool fits = metadata->is_object() && metadata->size() <= max_pairs &&
                    std::all_of(metadata->items().begin(), metadata->items().end(), [&](const auto& pair) {
                      return pair.key().size() <= max_key && pair.value().is_string() &&
                             pair.value().template get_ref<const std::string&>().size() <= max_value;
                    });
  if (fits) return std::nullopt;
  return invalid_field("metadata", "'metadata' must be an object of at most 16 string values (keys up to 64 "
                                   "characters, values up to 512).");
}

maybe_error read_responses_fields(const model::json_with_number_texts& document, const request_limits& limits,
                                  const previous_conversation& previous, translation& out) {
  const json& body = document.value;
  IG_RESPONSES_TRY(refuse_unsupported(body));
  copy_same_fields(body, out);
  if (auto max = body.find("max_output_tokens"); max != body.end()) out.chat["max_tokens"] = *max;
  out.aliases.push_back({"max_tokens", "max_output_tokens"});
  if (auto store = body.find("store"); store != body.end() && !store->is_null() && !store->is_boolean()) {
    return invalid_field("store", "'store' must be a boolean.");
  }
  IG_RESPONSES_TRY(read_metadata(body));
  IG_RESPONSES_TRY(read_input(body, limits, previous, out));
  IG_RESPONSES_TRY(read_tools(body, document.texts, out));
  IG_RESPONSES_TRY(read_tool_choice(body, out));
  IG_RESPONSES_TRY(read_text_format(body, document.texts, out));
  IG_RESPONSES_TRY(read_reasoning(body, out));
  return read_logprobs(body, out);
}

// The chat reader's error, its field named as the client named it (longest alias first).
api_error renamed(api_error failure, std::vector<param_alias> aliases) {
  std::stable_sort(aliases.begin(), aliases.end(),
                   [](const param_alias& a, const param_alias& b) { return a.chat.size() > b.chat.size(); });
  for (const auto& alias : aliases) {
    if (!failure.param.starts_with(alias.chat)) continue;
    const std::string old_param = failure.param;
    failure.param = alias.responses + old_param.substr(alias.chat.size());
    for (auto found = failure.message.find(old_param); found != std::string::npos;
         found = failure.message.find(old_param, found + failure.param.size())) {
      failure.message.replace(found, old_param.size(), failure.param);
    }
    break;
  }
  return failure;
}

json given_or(const json& body, const char* key, json fallback) {
  auto it = body.find(key);
  return it == body.end() || it->is_null() ? fallback : *it;
}

// The request's settings as OpenAI's response object repeats them.
json echo_of(const json& body, const completion_request& chat) {
  const json reasoning = given_or(body, "reasoning", json::object());
  const json text = given_or(body, "text", json::object());
  json echo = json::object();
  echo["instructions"] = given_or(body, "instructions", nullptr);
  echo["max_output_tokens"] = given_or(body, "max_output_tokens", nullptr);
  echo["metadata"] = given_or(body, "metadata", json::object());
  echo["parallel_tool_calls"] = chat.tools.parallel;
  echo["previous_response_id"] = nullptr;
  echo["reasoning"] = {{"effort", reasoning.is_object() ? given_or(reasoning, "effort", nullptr) : json()},
                       {"summary", reasoning.is_object() ? given_or(reasoning, "summary", nullptr) : json()}};
  echo["service_tier"] = "default";
  echo["store"] = false;
  echo["temperature"] = chat.temperature;
  echo["text"] = {{"format", text.is_object() ? given_or(text, "format", json{{"type", "text"}}) : json{{"type", "text"}}}};
  echo["tool_choice"] = given_or(body, "tool_choice", "auto");
  echo["tools"] = given_or(body, "tools", json::array());
  echo["top_logprobs"] = chat.top_logprobs;
  echo["top_p"] = chat.top_p;
  echo["truncation"] = "disabled";
  echo["user"] = given_or(body, "user", nullptr);
  return echo;
}

}  // namespace

parsed_responses_request parse_responses_request(std::string_view body, const request_limits& limits,
                                                 const previous_conversation& previous) {
  auto parsed = parse_json_object_keeping_number_texts(body);
  if (auto* failure = std::get_if<api_error>(&parsed)) return *failure;
  const auto& document = std::get<model::json_with_number_texts>(parsed);
  translation out;
  if (auto failed = read_responses_fields(document, limits, previous, out)) return *failed;
  json conversation = out.chat["messages"];
  if (out.instructed) conversation.erase(conversation.begin());
  auto chat = parse_chat_document({std::move(out.chat), std::move(out.texts)}, limits);
  if (auto* failure = std::get_if<api_error>(&chat)) return renamed(*failure, std::move(out.aliases));
  responses_request request{std::move(std::get<completion_request>(chat))};
  request.echo = echo_of(document.value, request.chat);
  request.conversation = std::move(conversation);
  if (auto store = document.value.find("store"); store != document.value.end() && store->is_boolean()) {
    request.store = store->get<bool>();
  }
  request.echo["previous_response_id"] = given_or(document.value, "previous_response_id", nullptr);
  return request;
}

}  // namespace infergrid::http

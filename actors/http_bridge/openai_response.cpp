#include "actors/http_bridge/openai_response.hpp"

#include <algorithm>

#include "runtime/utf8_characters.hpp"

namespace infergrid::http {
namespace {

using json = nlohmann::json;

std::string object_name(endpoint_kind kind, bool chunk) {
  if (kind == endpoint_kind::text) return "text_completion";
  return chunk ? "chat.completion.chunk" : "chat.completion";
}

json header_json(endpoint_kind kind, const response_header& header, bool chunk) {
  return {{"id", header.id},
          {"object", object_name(kind, chunk)},
          {"created", header.created_s},
          {"model", header.model},
          {"system_fingerprint", header.miner.empty() ? json(nullptr) : json("miner:" + header.miner)},
          {"miner", header.miner.empty() ? json(nullptr) : json(header.miner)}};
}

json finish_json(const std::string& reason) { return reason.empty() ? json(nullptr) : json(reason); }

std::int64_t characters_in(const std::string& text) { return static_cast<std::int64_t>(utf8_characters(text)); }

json bytes_json(const std::string& text) {
  json bytes = json::array();
  for (const unsigned char c : text) bytes.push_back(static_cast<int>(c));
  return bytes;
}

json chat_candidate_json(const token_probability& candidate) {
  return {{"token", candidate.text}, {"logprob", candidate.logprob}, {"bytes", bytes_json(candidate.text)}};
}

json chat_logprobs_json(const std::vector<token_logprob>& tokens) {
  return {{"content", token_logprobs_json(tokens)}, {"refusal", nullptr}};
}

}  // namespace

nlohmann::json token_logprobs_json(const std::vector<token_logprob>& tokens) {
  json content = json::array();
  for (const auto& token : tokens) {
    json entry = chat_candidate_json(token.chosen);
    entry["top_logprobs"] = json::array();
    for (const auto& alternative : token.top) entry["top_logprobs"].push_back(chat_candidate_json(alternative));
    content.push_back(std::move(entry));
  }
  return content;
}

namespace {

json text_logprobs_json(const std::vector<token_logprob>& tokens, std::int64_t first_offset) {
  json text_tokens = json::array(), logprobs = json::array(), top = json::array(), offsets = json::array();
  std::int64_t offset = first_offset;
  for (const auto& token : tokens) {
    text_tokens.push_back(token.chosen.text);
    logprobs.push_back(token.chosen.logprob);
    json alternatives = json::object();
    for (const auto& alternative : token.top) alternatives[alternative.text] = alternative.logprob;
    alternatives[token.chosen.text] = token.chosen.logprob;
    top.push_back(std::move(alternatives));
    offsets.push_back(offset);
    offset += characters_in(token.chosen.text);
  }
  return {{"tokens", text_tokens}, {"token_logprobs", logprobs}, {"top_logprobs", top}, {"text_offset", offsets}};
}

json logprobs_json(endpoint_kind kind, const completion_piece& piece, bool with_logprobs) {
  if (!with_logprobs) return nullptr;
  return kind == endpoint_kind::chat ? chat_logprobs_json(piece.logprobs)
                                     : text_logprobs_json(piece.logprobs, piece.text_offset);
}

// OpenAI's message.tool_calls[i] (`index` only in stream deltas).
json tool_calls_json(const completion_piece& piece, bool with_index) {
  json calls = json::array();
  for (std::size_t i = 0; i < piece.tool_calls.size(); ++i) {
    const auto& call = piece.tool_calls[i];
    json entry = {{"id", call.id}, {"type", "function"}, {"function", {{"name", call.name}, {"arguments", call.arguments}}}};
    if (with_index) entry["index"] = piece.first_call_index + i;
    calls.push_back(std::move(entry));
  }
  return calls;
}

json choice_json(endpoint_kind kind, const completion_piece& answer, bool with_logprobs) {
  json choice = {{"index", answer.index}, {"logprobs", logprobs_json(kind, answer, with_logprobs)},
                 {"finish_reason", finish_json(answer.finish_reason)}};
  if (kind == endpoint_kind::chat) {
    choice["message"] = {{"role", "assistant"}, {"content", answer.text}, {"refusal", nullptr}};
    if (!answer.reasoning.empty()) choice["message"]["reasoning_content"] = answer.reasoning;
    if (answer.text.empty() && (answer.call_expected || !answer.tool_calls.empty())) {
      choice["message"]["content"] = nullptr;
    }
    if (!answer.tool_calls.empty()) choice["message"]["tool_calls"] = tool_calls_json(answer, false);
  } else {
    choice["text"] = answer.text;
  }
  return choice;
}

}  // namespace

std::int64_t token_text_characters(const std::vector<token_logprob>& logprobs) {
  std::int64_t total = 0;
  for (const auto& token : logprobs) total += characters_in(token.chosen.text);
  return total;
}

json usage_json(const usage_counts& usage) {
  json out = {{"prompt_tokens", usage.prompt_tokens},
              {"completion_tokens", usage.completion_tokens},
              {"total_tokens", usage.prompt_tokens + usage.completion_tokens},
              // No prefix cache: every prompt token is computed (OpenAI's field, which clients read).
              {"prompt_tokens_details", {{"cached_tokens", 0}}}};
  if (usage.reasoning_tokens) out["completion_tokens_details"] = {{"reasoning_tokens", *usage.reasoning_tokens}};
  return out;
}

json completion_json(endpoint_kind kind, const response_header& header, const completion_piece& answer,
                     bool with_logprobs, const usage_counts& usage) {
  return completion_json(kind, header, std::vector<completion_piece>{answer}, with_logprobs, usage);
}

json completion_json(endpoint_kind kind, const response_header& header, const std::vector<completion_piece>& answers,
                     bool with_logprobs, const usage_counts& usage) {
  json out = header_json(kind, header, false);
  out["choices"] = json::array();
  for (const completion_piece& answer : answers) out["choices"].push_back(choice_json(kind, answer, with_logprobs));
  out["usage"] = usage_json(usage);
  return out;
}

json chunk_json(endpoint_kind kind, const response_header& header, const completion_piece& piece, bool first,
                bool with_logprobs, bool include_usage) {
  json out = header_json(kind, header, true);
  json choice = {{"index", piece.index}, {"logprobs", logprobs_json(kind, piece, with_logprobs)},
                 {"finish_reason", finish_json(piece.finish_reason)}};
  if (kind == endpoint_kind::chat) {
    json delta = json::object();
    if (first) delta["role"] = "assistant";
    if (!piece.reasoning.empty()) delta["reasoning_content"] = piece.reasoning;
    // OpenAI: the opening delta of a call has content null, of text "" (or its first text).
    if (!piece.text.empty()) delta["content"] = piece.text;
    else if (first) delta["content"] = piece.call_expected || !piece.tool_calls.empty() ? json(nullptr) : json("");
    if (!piece.tool_calls.empty()) delta["tool_calls"] = tool_calls_json(piece, true);
    choice["delta"] = delta;
  } else {
    choice["text"] = piece.text;
  }
  out["choices"] = json::array({choice});
  if (include_usage) out["usage"] = nullptr;
  return out;
}

json usage_chunk_json(endpoint_kind kind, const response_header& header, const usage_counts& usage) {
  json out = header_json(kind, header, true);
  out["choices"] = json::array();
  out["usage"] = usage_json(usage);
  return out;
}

json model_json(const served_model& model) {
  return {{"id", model.id},
          {"object", "model"},
          {"created", model.created_s},
          {"owned_by", model.owned_by},
          {"context_length", model.context_length},
          {"workers", model.workers},
          {"pricing", pricing_json(model.prices)},
          {"price_index", price_index_json(model.prices)}};
}

json model_list_json(const std::vector<served_model>& models) {
  json data = json::array();
  for (const auto& model : models) data.push_back(model_json(model));
  return {{"object", "list"}, {"data", data}};
}

}  // namespace infergrid::http

#include "actors/http_bridge/openai_response.hpp"

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

// Chat shape: {"content": [{"token", "logprob", "bytes", "top_logprobs": [...]}]}.
json chat_logprobs_json(const std::vector<token_logprob>& tokens) {
  json content = json::array();
  auto bytes_of = [](const std::string& text) {
    json bytes = json::array();
    for (unsigned char c : text) bytes.push_back(static_cast<int>(c));
    return bytes;
  };
  for (const auto& token : tokens) {
    json top = json::array();
    for (const auto& [text, logprob] : token.top) {
      top.push_back({{"token", text}, {"logprob", logprob}, {"bytes", bytes_of(text)}});
    }
    content.push_back(
        {{"token", token.token}, {"logprob", token.logprob}, {"bytes", bytes_of(token.token)}, {"top_logprobs", top}});
  }
  return {{"content", content}, {"refusal", nullptr}};
}

// Legacy completions shape: parallel arrays.
json text_logprobs_json(const std::vector<token_logprob>& tokens) {
  json text_tokens = json::array(), logprobs = json::array(), top = json::array(), offsets = json::array();
  std::int64_t offset = 0;
  for (const auto& token : tokens) {
    text_tokens.push_back(token.token);
    logprobs.push_back(token.logprob);
    json alternatives = json::object();
    for (const auto& [text, logprob] : token.top) alternatives[text] = logprob;
    top.push_back(alternatives);
    offsets.push_back(offset);
    offset += static_cast<std::int64_t>(token.token.size());
  }
  return {{"tokens", text_tokens}, {"token_logprobs", logprobs}, {"top_logprobs", top}, {"text_offset", offsets}};
}

json logprobs_json(endpoint_kind kind, const completion_piece& piece, bool with_logprobs) {
  if (!with_logprobs) return nullptr;
  return kind == endpoint_kind::chat ? chat_logprobs_json(piece.logprobs) : text_logprobs_json(piece.logprobs);
}

}  // namespace

json usage_json(const usage_counts& usage) {
  return {{"prompt_tokens", usage.prompt_tokens},
          {"completion_tokens", usage.completion_tokens},
          {"total_tokens", usage.prompt_tokens + usage.completion_tokens}};
}

json completion_json(endpoint_kind kind, const response_header& header, const completion_piece& answer,
                     bool with_logprobs, const usage_counts& usage) {
  json out = header_json(kind, header, false);
  json choice = {{"index", 0}, {"logprobs", logprobs_json(kind, answer, with_logprobs)},
                 {"finish_reason", finish_json(answer.finish_reason)}};
  if (kind == endpoint_kind::chat) {
    choice["message"] = {{"role", "assistant"}, {"content", answer.text}, {"refusal", nullptr}};
  } else {
    choice["text"] = answer.text;
  }
  out["choices"] = json::array({choice});
  out["usage"] = usage_json(usage);
  return out;
}

json chunk_json(endpoint_kind kind, const response_header& header, const completion_piece& piece, bool first,
                bool with_logprobs, bool include_usage) {
  json out = header_json(kind, header, true);
  json choice = {{"index", 0}, {"logprobs", logprobs_json(kind, piece, with_logprobs)},
                 {"finish_reason", finish_json(piece.finish_reason)}};
  if (kind == endpoint_kind::chat) {
    json delta = json::object();
    if (first) delta["role"] = "assistant";
    if (!piece.text.empty() || first) delta["content"] = piece.text;
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

json model_list_json(const std::vector<served_model>& models, std::int64_t created_s) {
  json data = json::array();
  for (const auto& model : models) {
    data.push_back({{"id", model.id},
                    {"object", "model"},
                    {"created", created_s},
                    {"owned_by", model.owned_by},
                    {"context_length", model.context_length},
                    {"workers", model.workers}});
  }
  return {{"object", "list"}, {"data", data}};
}

}  // namespace infergrid::http

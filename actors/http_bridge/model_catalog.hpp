#pragma once
// model_catalog: the models live workers serve, as the matchmaker last reported them, and each
// model's chat template family. The actor thread refreshes it; HTTP threads read it. Thread-safe.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/http_bridge/fill_in_middle.hpp"
#include "actors/http_bridge/openai_response.hpp"
#include "kernels/model/chat/chat_template.hpp"
#include "runtime/result.hpp"

namespace infergrid::http {

// What the bridge reads from a model's GGUF (settings `model_files`): its chat template family and
// context length. The matchmaker's supply report names models and worker counts only. A template of
// no known family is logged as a warning and rendered with the plain default (chat_template.hpp).
struct model_facts {
  chat::template_family family = chat::template_family::plain;
  std::int64_t context_length = 0;  // 0 = unknown
  std::optional<fim_tokens> fim;     // fill-in-the-middle tokens (`suffix`), if the vocabulary has them
  std::int64_t vocab_size = 0;       // tokens in the vocabulary; 0 = unknown
  // Thinking families (chat::thinks): the bytes each token id stands for, by which a reply's
  // reasoning tokens are counted (reasoning_reply.hpp); empty when not read.
  std::vector<std::uint32_t> token_bytes;
};
result<model_facts> read_model_facts(const std::string& gguf_path);

class model_catalog {
 public:
  void set_facts(std::map<std::string, model_facts> facts) { facts_ = std::move(facts); }
  // Fills in context lengths from the model files the bridge was given.
  void update_from_supply(std::vector<served_model> models);
  // now_s: the time a model seen for the first time gets as its created_s (< 0: the clock's).
  void update(std::vector<served_model> models, std::int64_t now_s = -1);

  // The last ask for the model list failed: why (cleared by the next update).
  void note_unreachable(std::string why);

  std::vector<served_model> models() const;
  // Every model a worker served since the bridge started (those gone too), by id.
  std::vector<std::string> models_seen() const;
  // Whether the matchmaker has answered at least once (before that, no model is refused as unknown).
  bool known() const;
  // Why the last ask for the model list failed; "" when it answered.
  std::string unreachable() const;
  bool serves(const std::string& model) const;
  chat::template_family template_for(const std::string& model) const;
  std::optional<fim_tokens> fim_for(const std::string& model) const;
  // The model's vocabulary size from its file (0: no file given for it, so unknown here).
  std::int64_t vocab_size_for(const std::string& model) const;
  // The model's token_bytes (fixed after start, so the pointer stays valid); null when unknown.
  const std::vector<std::uint32_t>* token_bytes_for(const std::string& model) const;

 private:
  mutable std::mutex mutex_;
  std::vector<served_model> models_;
  std::map<std::string, std::int64_t> first_seen_s_;  // model id -> created_s (kept when a model comes back)
  bool known_ = false;
  std::string unreachable_;
  std::map<std::string, model_facts> facts_;  // fixed after start
};

}  // namespace infergrid::http

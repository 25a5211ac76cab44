#include "actors/http_bridge/model_catalog.hpp"

#include "kernels/model/chat/file_template.hpp"
#include "kernels/model/gguf_file.hpp"
#include "kernels/model/tokenizer.hpp"
#include "runtime/log.hpp"

namespace infergrid::http {

void model_catalog::update(std::vector<served_model> models, std::int64_t now_s) {
  if (now_s < 0) {
    now_s = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  }
  std::lock_guard lock(mutex_);
  for (auto& model : models) model.created_s = first_seen_s_.try_emplace(model.id, now_s).first->second;
  models_ = std::move(models);
  known_ = true;
  unreachable_.clear();
}

void model_catalog::note_unreachable(std::string why) {
  std::lock_guard lock(mutex_);
  unreachable_ = std::move(why);
}

std::vector<served_model> model_catalog::models() const {
  std::lock_guard lock(mutex_);
  return models_;
}

std::vector<std::string> model_catalog::models_seen() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [id, created_s] : first_seen_s_) out.push_back(id);
  return out;
}

bool model_catalog::known() const {
  std::lock_guard lock(mutex_);
  return known_;
}

std::string model_catalog::unreachable() const {
  std::lock_guard lock(mutex_);
  return unreachable_;
}

bool model_catalog::serves(const std::string& model) const {
  std::lock_guard lock(mutex_);
  for (const auto& m : models_) {
    if (m.id == model && m.workers > 0) return true;
  }
  return false;
}

chat::template_family model_catalog::template_for(const std::string& model) const {
  auto it = facts_.find(model);
  return it == facts_.end() ? chat::template_family::plain : it->second.family;
}

std::optional<fim_tokens> model_catalog::fim_for(const std::string& model) const {
  auto it = facts_.find(model);
  return it == facts_.end() ? std::nullopt : it->second.fim;
}

std::int64_t model_catalog::vocab_size_for(const std::string& model) const {
  auto it = facts_.find(model);
  return it == facts_.end() ? 0 : it->second.vocab_size;
}

const std::vector<std::uint32_t>* model_catalog::token_bytes_for(const std::string& model) const {
  auto it = facts_.find(model);
  return it == facts_.end() || it->second.token_bytes.empty() ? nullptr : &it->second.token_bytes;
}

void model_catalog::update_from_supply(std::vector<served_model> models) {
  for (auto& model : models) {
    if (auto it = facts_.find(model.id); it != facts_.end() && model.context_length == 0) {
      model.context_length = it->second.context_length;
    }
  }
  update(std::move(models));
}

namespace {

// Each token's bytes as the worker's text has them (control tokens: none); empty, with a warning,
// when the vocabulary cannot be read (reasoning tokens are then counted by whole chunks).
std::vector<std::uint32_t> token_bytes_of(const model::gguf_file& file, const std::string& gguf_path) {
  auto vocabulary = model::tokenizer::from_gguf(file);
  if (!vocabulary.ok()) {
    log(log_level::warn, "http_bridge", "{}: the vocabulary cannot be read ({}); reasoning_tokens count whole chunks",
        gguf_path, vocabulary.err().message);
    return {};
  }
  std::vector<std::uint32_t> bytes(vocabulary->vocab_size());
  for (std::size_t id = 0; id < bytes.size(); ++id) {
    bytes[id] = static_cast<std::uint32_t>(vocabulary->token_to_piece(static_cast<model::token_id>(id)).size());
  }
  return bytes;
}

}  // namespace

result<model_facts> read_model_facts(const std::string& gguf_path) {
  auto file = model::gguf_file::open(gguf_path);
  if (!file.ok()) return file.err();
  model_facts facts;
  auto chat_template = chat::template_of(*file);
  if (!chat_template.ok()) return chat_template.err();
  facts.family = chat_template->family;
  if (chat_template->present && !chat_template->recognised) {
    log(log_level::warn, "http_bridge", "{}: tokenizer.chat_template is of no known family; prompts use the plain "
        "default (\"User: ...\\nAssistant:\")", gguf_path);
  }
  if (auto tokens = file->get_string_array("tokenizer.ggml.tokens"); tokens.ok()) {
    facts.vocab_size = static_cast<std::int64_t>(tokens->size());
    auto id = [&](const char* key) -> long long {
      auto value = file->get_u32(key);
      return value.ok() ? static_cast<long long>(*value) : -1;
    };
    facts.fim = detect_fim(*tokens, id("tokenizer.ggml.fim_pre_token_id"), id("tokenizer.ggml.fim_suf_token_id"),
                           id("tokenizer.ggml.fim_mid_token_id"));
  }
  if (chat::thinks(facts.family)) facts.token_bytes = token_bytes_of(*file, gguf_path);
  auto architecture = file->get_string("general.architecture");
  if (architecture.ok()) {
    // A u32 (as the loader reads it): a larger value, which would turn negative as an int64, is unknown.
    auto length = file->get_u32(*architecture + ".context_length");
    if (length.ok()) facts.context_length = *length;
  }
  return facts;
}

}  // namespace infergrid::http

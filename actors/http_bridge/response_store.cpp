#include "actors/http_bridge/response_store.hpp"

#include <utility>

namespace infergrid::http {

namespace {

// Its JSON text's size. A model's text may hold bytes that are not UTF-8 (a character cut by
// max_output_tokens); they are counted as the answer writes them (replaced), not thrown at.
std::size_t text_size(const nlohmann::ordered_json& value) {
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace).size();
}

}  // namespace

void response_store::put(const std::string& id, stored_response entry, std::int64_t now_ms) {
  const std::size_t size = id.size() + entry.account.size() + text_size(entry.response) + text_size(entry.conversation);
  if (size > max_bytes_) return;
  std::lock_guard lock(mutex_);
  if (auto old = entries_.find(id); old != entries_.end()) {
    bytes_ -= old->second.bytes;
    entries_.erase(old);
  }
  entries_[id] = kept{std::move(entry), size, now_ms, next_sequence_};
  order_.emplace_back(id, next_sequence_++);
  bytes_ += size;
  drop_expired_and_oldest(now_ms);
}

std::optional<stored_response> response_store::get(const std::string& id, const std::string& account, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  drop_expired_and_oldest(now_ms);
  auto found = entries_.find(id);
  if (found == entries_.end() || found->second.entry.account != account) return std::nullopt;
  return found->second.entry;
}

bool response_store::erase(const std::string& id, const std::string& account, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  drop_expired_and_oldest(now_ms);
  auto found = entries_.find(id);
  if (found == entries_.end() || found->second.entry.account != account) return false;
  bytes_ -= found->second.bytes;
  entries_.erase(found);
  return true;
}

std::size_t response_store::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

void response_store::drop_expired_and_oldest(std::int64_t now_ms) {
  while (!order_.empty()) {
    const auto& [id, sequence] = order_.front();
    auto found = entries_.find(id);
    // Not kept any more under this place: erased, or kept again later (its newer place counts).
    const bool stale = found == entries_.end() || found->second.sequence != sequence;
    if (!stale && bytes_ <= max_bytes_ && now_ms - found->second.stored_at_ms < ttl_ms_) return;
    if (!stale) {
      bytes_ -= found->second.bytes;
      entries_.erase(found);
    }
    order_.pop_front();
  }
}

nlohmann::ordered_json assistant_turn_of(const nlohmann::ordered_json& output) {
  using json = nlohmann::ordered_json;
  std::string text;
  bool has_message = false;
  json calls = json::array();
  for (const auto& item : output) {
    const std::string type = item.value("type", "");
    if (type == "message") {
      has_message = true;
      for (const auto& part : item.value("content", json::array())) text += part.value("text", "");
    } else if (type == "function_call") {
      calls.push_back(json{{"id", item.value("call_id", "")},
                           {"type", "function"},
                           {"function", {{"name", item.value("name", "")}, {"arguments", item.value("arguments", "")}}}});
    }
  }
  json turn = {{"role", "assistant"}, {"content", has_message ? json(text) : json(nullptr)}};
  if (!calls.empty()) turn["tool_calls"] = std::move(calls);
  return turn;
}

}  // namespace infergrid::http

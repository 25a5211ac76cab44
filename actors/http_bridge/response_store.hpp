#pragma once
// response_store: the /v1/responses answers a bridge keeps (`store`, OpenAI's default) so that a
// later request can continue one (`previous_response_id`) and its owner can read or delete it
// (GET / DELETE /v1/responses/{id}). In memory only — lost when the bridge restarts, not shared
// between bridges —, each readable only by the account that made it, at most `max_bytes` in all (the
// oldest dropped first) and each for `ttl_ms`. Thread-safe (HTTP threads).
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

namespace infergrid::http {

struct stored_response {
  std::string account;                    // who may read, continue or delete it
  nlohmann::ordered_json response;        // the response object as answered
  // The conversation up to and including this answer, as chat messages (its instructions left out:
  // a continuation's own instructions replace them, as OpenAI's do).
  nlohmann::ordered_json conversation;
};

class response_store {
 public:
  response_store(std::size_t max_bytes, std::int64_t ttl_ms) : max_bytes_(max_bytes), ttl_ms_(ttl_ms) {}

  bool enabled() const { return max_bytes_ > 0; }
  // Keeps `entry` under `id`; one larger than max_bytes is not kept.
  void put(const std::string& id, stored_response entry, std::int64_t now_ms);
  // The entry, if it is kept, unexpired and `account`'s.
  std::optional<stored_response> get(const std::string& id, const std::string& account, std::int64_t now_ms);
  // Whether `account`'s entry `id` was there (and is now gone).
  bool erase(const std::string& id, const std::string& account, std::int64_t now_ms);
  std::size_t bytes() const;

 private:
  struct kept {
    stored_response entry;
    std::size_t bytes = 0;
    std::int64_t stored_at_ms = 0;
    std::uint64_t sequence = 0;  // its place in order_
  };
  void drop_expired_and_oldest(std::int64_t now_ms);  // with mutex_ held

  const std::size_t max_bytes_;
  const std::int64_t ttl_ms_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, kept> entries_;
  std::deque<std::pair<std::string, std::uint64_t>> order_;  // (id, sequence), oldest first; stale ones skipped
  std::uint64_t next_sequence_ = 0;
  std::size_t bytes_ = 0;
};

// The chat messages of the assistant turn a response's output is: its message text and its calls
// (reasoning items are left out, as chat templates leave out past reasoning).
nlohmann::ordered_json assistant_turn_of(const nlohmann::ordered_json& output);

}  // namespace infergrid::http

#pragma once
// idle_map: a map from a sender's name to what a node remembers about it, with when it was last
// seen, that can forget the entries silent for longer than some time visiting only those it
// forgets (plus the first one it keeps) — it keeps its keys ordered by last sight too. A full map
// under a flood of new senders then costs each newcomer a lookup, not a scan of every entry.
// Entries are hashed (a lookup per envelope on the ingress thread); seen() moves a key's place in the
// order without allocating, and not at all when it was already seen this millisecond.
// Not thread-safe: its owner locks.
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "runtime/string_hash.hpp"

namespace infergrid {

template <class Value>
class idle_map {
 public:
  // What find() hands out: the value to read and change, and when it was last seen, which only
  // seen() and put() change (it places the key in the order forget_idle walks).
  class entry {
   public:
    Value value;
    std::int64_t last_seen_ms() const { return last_seen_ms_; }

   private:
    friend class idle_map;
    entry(Value stored, std::int64_t seen_ms) : value(std::move(stored)), last_seen_ms_(seen_ms) {}
    std::int64_t last_seen_ms_ = 0;
  };

  entry* find(std::string_view key) {
    auto found = entries_.find(key);
    return found == entries_.end() ? nullptr : &found->second;
  }
  // Stores `value` under `key` (replacing what was there), seen at `now_ms`.
  void put(std::string_view key, Value value, std::int64_t now_ms) {
    erase(key);
    auto [stored, inserted] = entries_.emplace(std::string(key), entry(std::move(value), now_ms));
    by_last_seen_.emplace(now_ms, stored->first);
  }
  // Marks `key`, held, as seen at `now_ms`.
  void seen(std::string_view key, std::int64_t now_ms) {
    auto found = entries_.find(key);
    if (found == entries_.end() || found->second.last_seen_ms_ == now_ms) return;
    auto place = by_last_seen_.extract({found->second.last_seen_ms_, found->first});
    place.value().first = now_ms;
    by_last_seen_.insert(std::move(place));
    found->second.last_seen_ms_ = now_ms;
  }
  void erase(std::string_view key) {
    auto found = entries_.find(key);
    if (found == entries_.end()) return;
    by_last_seen_.erase({found->second.last_seen_ms_, found->first});
    entries_.erase(found);
  }
  // Forgets the entries last seen more than `idle_ms` before `now_ms`.
  void forget_idle(std::int64_t idle_ms, std::int64_t now_ms) {
    while (!by_last_seen_.empty()) {
      ++entries_visited_;
      const auto [last_seen_ms, key] = *by_last_seen_.begin();
      if (now_ms - last_seen_ms <= idle_ms) return;
      by_last_seen_.erase(by_last_seen_.begin());
      entries_.erase(entries_.find(key));
    }
  }

  std::size_t size() const { return entries_.size(); }
  // Entries forget_idle has looked at, all calls together: what a flood costs in cleanup.
  std::uint64_t entries_visited() const { return entries_visited_; }

 private:
  std::unordered_map<std::string, entry, string_hash, std::equal_to<>> entries_;
  std::set<std::pair<std::int64_t, std::string_view>> by_last_seen_;  // views into entries_' keys (stable: node-based)
  std::uint64_t entries_visited_ = 0;
};

}  // namespace infergrid

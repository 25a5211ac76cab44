#pragma once
// request_index: which request ids have ever been escrowed. A request id is escrowed once in the
// ledger's life — a closed (settled or refunded) request can never be opened again, so an old
// signed receipt can never be paid twice. ledger_state keeps only the open escrows in memory and
// asks this index about the rest: a long-running ledger must not grow by every request it served.
// Questions are asked "before entry `seq`" (the entry being applied), so a replay of the entries
// decides exactly as the original run did, even though the index already holds later requests.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

#include "runtime/result.hpp"

namespace infergrid::ledger {

class request_index {
 public:
  virtual ~request_index() = default;
  // Whether an entry before `seq` escrowed `request_id`.
  virtual result<bool> escrowed_before(std::string_view request_id, std::uint64_t seq) = 0;
  // Entry `seq` escrows `request_id` (called once it applied).
  virtual status record(std::string_view request_id, std::uint64_t seq) = 0;
};

// Every request id in memory: for states replayed once and dropped (verify, listings, tests).
// Entries are applied in order, so "before seq" is everything recorded so far.
class memory_request_index final : public request_index {
 public:
  result<bool> escrowed_before(std::string_view request_id, std::uint64_t) override {
    return ids_.contains(std::string(request_id));
  }
  status record(std::string_view request_id, std::uint64_t) override {
    ids_.emplace(request_id);
    return {};
  }

 private:
  std::unordered_set<std::string> ids_;
};

}  // namespace infergrid::ledger

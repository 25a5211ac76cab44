#pragma once
// disowned_requests: the requests a restarted bridge asked about (held_requests_query.forgotten_ids)
// that the matchmaker never got, or settled nothing of and owes nothing for. The bridge refunds
// their escrows on that word, so one that still arrives (sent before the bridge died and held up on
// the way) is refused: no worker runs it, and none is paid, for an escrow that went back. Bounded:
// the newest max_ids are kept (a request held up that long arrives past its deadline, refused too).
#include <cstddef>
#include <deque>
#include <string>
#include <unordered_set>

namespace infergrid::matchmaker {

class disowned_requests {
 public:
  explicit disowned_requests(std::size_t max_ids) : max_ids_(max_ids) {}

  void add(const std::string& request_id) {
    if (!ids_.insert(request_id).second) return;
    order_.push_back(request_id);
    while (order_.size() > max_ids_) {
      ids_.erase(order_.front());
      order_.pop_front();
    }
  }
  bool contains(const std::string& request_id) const { return ids_.contains(request_id); }

 private:
  std::size_t max_ids_;
  std::unordered_set<std::string> ids_;
  std::deque<std::string> order_;  // oldest first
};

}  // namespace infergrid::matchmaker

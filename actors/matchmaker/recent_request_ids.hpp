#pragma once
// recent_request_ids: a bounded set of request ids, the newest max_ids kept. The matchmaker keeps
// two (matchmaker_state.hpp): the requests a restarted bridge disowned, and those it failed to their
// submitter — each an answer it must still give about a request it no longer holds.
#include <cstddef>
#include <deque>
#include <string>
#include <unordered_set>

namespace infergrid::matchmaker {

class recent_request_ids {
 public:
  explicit recent_request_ids(std::size_t max_ids) : max_ids_(max_ids) {}

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

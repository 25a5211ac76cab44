#include "runtime/pending_requests.hpp"

namespace infergrid {

void pending_requests::add(std::uint64_t correlation_id, entry pending) {
  heap_.push(heap_entry{pending.deadline, correlation_id});
  entries_.emplace(correlation_id, std::move(pending));
}

std::optional<pending_requests::entry> pending_requests::take_answered(std::uint64_t correlation_id, message_type type) {
  auto found = entries_.find(correlation_id);
  if (found == entries_.end()) return std::nullopt;
  if (type != found->second.reply_type && type != message_type::error_reply) return std::nullopt;
  entry out = std::move(found->second);
  entries_.erase(found);
  return out;
}

void pending_requests::drop_answered_tops() {
  while (!heap_.empty() && entries_.count(heap_.top().id) == 0) heap_.pop();
}

std::optional<pending_requests::entry> pending_requests::take_expired(steady_time now) {
  drop_answered_tops();
  if (heap_.empty() || heap_.top().deadline > now) return std::nullopt;
  auto found = entries_.find(heap_.top().id);
  heap_.pop();
  entry out = std::move(found->second);
  entries_.erase(found);
  return out;
}

std::optional<steady_time> pending_requests::next_deadline() {
  drop_answered_tops();
  if (heap_.empty()) return std::nullopt;
  return heap_.top().deadline;
}

void pending_requests::clear() {
  entries_.clear();
  heap_ = {};
}

}  // namespace infergrid

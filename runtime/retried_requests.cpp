#include "runtime/retried_requests.hpp"

#include <utility>
#include <vector>

namespace infergrid {

bool retried_requests::passing(const error& why) {
  return why.code == error_code::timeout || why.code == error_code::unavailable || why.code == error_code::io_error;
}

status retried_requests::add(const std::string& key, attempt send, finished done) {
  if (held_ >= settings_.max_held) {
    return make_error(error_code::too_large, std::to_string(held_) + " requests already wait for an answer");
  }
  key_queue& queue = queues_[key];
  queue.requests.push_back(request{std::move(send), std::move(done)});
  ++held_;
  if (queue.requests.size() == 1) send_front(key);
  return {};
}

void retried_requests::retry_due() {
  const std::int64_t now = now_ms_();
  std::vector<std::string> due;
  for (const auto& [key, queue] : queues_) {
    if (queue.in_flight == 0 && now - queue.failed_at_ms >= settings_.retry_ms) due.push_back(key);
  }
  for (const std::string& key : due) {  // sending may answer at once and change queues_
    auto found = queues_.find(key);
    if (found == queues_.end() || found->second.in_flight != 0) continue;
    ++retries_;
    send_front(key);
  }
}

void retried_requests::send_front(const std::string& key) {
  key_queue& queue = queues_.at(key);
  const std::uint64_t attempt_id = next_attempt_++;
  queue.in_flight = attempt_id;
  ++queue.tries;
  // A copy: the attempt may be answered before it returns, and that answer pops the request.
  const attempt send = queue.requests.front().send;
  send([this, key, attempt_id](status outcome) { answered(key, attempt_id, outcome); });
}

void retried_requests::answered(const std::string& key, std::uint64_t attempt_id, const status& outcome) {
  auto found = queues_.find(key);
  if (found == queues_.end() || found->second.in_flight != attempt_id) return;  // not the attempt in flight
  key_queue& queue = found->second;
  queue.in_flight = 0;
  if (!outcome.ok() && passing(outcome.err())) {
    queue.failed_at_ms = now_ms_();
    if (on_failure_) on_failure_(key, outcome.err(), queue.tries);
    return;
  }
  finished done = std::move(queue.requests.front().done);
  queue.requests.pop_front();
  queue.tries = 0;
  --held_;
  if (queue.requests.empty()) {
    queues_.erase(found);
  } else {
    send_front(key);
  }
  if (done) done(outcome);
}

}  // namespace infergrid

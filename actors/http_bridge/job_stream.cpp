#include "actors/http_bridge/job_stream.hpp"

namespace infergrid::http {

void job_wake::notify() {
  {
    std::lock_guard lock(mutex_);
    ++generation_;
  }
  moved_.notify_all();
}

std::uint64_t job_wake::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

void job_wake::wait_past(std::uint64_t seen, std::chrono::milliseconds max_wait) const {
  std::unique_lock lock(mutex_);
  moved_.wait_for(lock, max_wait, [&] { return generation_ != seen; });
}

void job_stream::push(job_event event) {
  {
    std::lock_guard lock(mutex_);
    if (ended_) return;
    if (events_.size() >= max_queued_events) {
      event = job_event{job_event::kind::failed};
      event.failure = api_error{500, "too many unread events for one job", "api_error", "", "internal"};
    }
    if (event.what != job_event::kind::text) ended_ = true;
    events_.push_back(std::move(event));
  }
  ready_.notify_one();
  if (wake_) wake_->notify();
}

std::optional<job_event> job_stream::wait_next(std::chrono::milliseconds max_wait) {
  std::unique_lock lock(mutex_);
  if (!ready_.wait_for(lock, max_wait, [this] { return !events_.empty(); })) return std::nullopt;
  job_event next = std::move(events_.front());
  events_.pop_front();
  return next;
}

void job_stream::mark_abandoned() {
  std::lock_guard lock(mutex_);
  abandoned_ = true;
}

bool job_stream::abandoned() const {
  std::lock_guard lock(mutex_);
  return abandoned_;
}

bool job_stream::ended() const {
  std::lock_guard lock(mutex_);
  return ended_;
}

}  // namespace infergrid::http

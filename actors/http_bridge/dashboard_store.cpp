#include "actors/http_bridge/dashboard_store.hpp"

namespace infergrid::http {
namespace {

// Whether the steady_clock ticks in `last` (0 = never) are within dashboard_unread_after of now.
bool within_unread_after(const std::atomic<std::chrono::steady_clock::rep>& last) {
  const auto at = std::chrono::steady_clock::duration(last.load(std::memory_order_relaxed));
  return at.count() != 0 && std::chrono::steady_clock::now().time_since_epoch() - at < dashboard_unread_after;
}

template <class Report>
void store(dashboard_reading<Report>& reading, result<Report> latest) {
  if (!latest.ok()) {
    reading.error = latest.err().message;
    return;
  }
  reading.report = std::move(latest).value();
  reading.arrived = std::chrono::steady_clock::now();
  reading.error.clear();
}

}  // namespace

void dashboard_store::set_grid(result<grid_view_report> latest) {
  {
    std::lock_guard lock(mutex_);
    store(grid_, std::move(latest));
    ++updates_;
  }
  updated_.notify_all();
}

void dashboard_store::set_ledger(result<ledger_view_report> latest) {
  {
    std::lock_guard lock(mutex_);
    if (latest.ok()) ++ledger_answers_;
    store(ledger_, std::move(latest));
    ++updates_;
  }
  updated_.notify_all();
}

std::uint64_t dashboard_store::ledger_answers() const {
  std::lock_guard lock(mutex_);
  return ledger_answers_;
}

bool dashboard_store::last_ask_failed() const {
  std::lock_guard lock(mutex_);
  return !grid_.error.empty() || (ledger_expected_ && !ledger_.error.empty());
}

bool dashboard_store::read_lately() const { return within_unread_after(last_read_); }

bool dashboard_store::health_asked_lately() const { return within_unread_after(last_health_ask_); }

void dashboard_store::set_ledger_probe_failed(const error& why, std::uint64_t answers_when_sent) {
  {
    std::lock_guard lock(mutex_);  // checked and stored under one lock: no view can answer between
    if (ledger_answers_ != answers_when_sent) return;  // a newer view answered: settlement is there
    store(ledger_, result<ledger_view_report>(why));
    ++updates_;
  }
  updated_.notify_all();
}

void dashboard_store::fresh_after_quiet() const {
  const auto now = std::chrono::steady_clock::now().time_since_epoch();
  const auto last = std::chrono::steady_clock::duration(last_read_.exchange(now.count(), std::memory_order_relaxed));
  if (last.count() != 0 && now - last < dashboard_unread_after) return;  // the feed refreshes every tick
  std::unique_lock lock(mutex_);
  const std::uint64_t wanted = updates_ + (ledger_expected_ ? 2 : 1);
  refresh_wanted_.store(true);
  waker_.wake();
  updated_.wait_for(lock, dashboard_fresh_wait, [&] { return updates_ >= wanted; });
}

dashboard_reading<grid_view_report> dashboard_store::grid() const {
  fresh_after_quiet();
  std::lock_guard lock(mutex_);
  return grid_;
}

dashboard_reading<ledger_view_report> dashboard_store::ledger() const {
  fresh_after_quiet();
  std::lock_guard lock(mutex_);
  return ledger_;
}

std::string dashboard_store::ledger_unreachable() const {
  last_health_ask_.store(std::chrono::steady_clock::now().time_since_epoch().count(), std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  return ledger_expected_ ? ledger_.error : "";
}

std::optional<std::future<job_detail>> dashboard_store::ask_job(const std::string& request_id) {
  auto lookup = std::make_shared<job_lookup>();
  lookup->request_id = request_id;
  auto answer = lookup->answer.get_future();
  {
    std::lock_guard lock(mutex_);
    if (lookups_.size() >= lookups_waiting_max) return std::nullopt;
    lookups_.push_back(std::move(lookup));
  }
  waker_.wake();
  return answer;
}

std::vector<std::shared_ptr<job_lookup>> dashboard_store::take_lookups() {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<job_lookup>> out(lookups_.begin(), lookups_.end());
  lookups_.clear();
  return out;
}

}  // namespace infergrid::http

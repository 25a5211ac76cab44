#include "actors/http_bridge/dashboard_store.hpp"

namespace infergrid::http {
namespace {

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
  std::lock_guard lock(mutex_);
  store(grid_, std::move(latest));
}

void dashboard_store::set_ledger(result<ledger_view_report> latest) {
  std::lock_guard lock(mutex_);
  store(ledger_, std::move(latest));
}

dashboard_reading<grid_view_report> dashboard_store::grid() const {
  std::lock_guard lock(mutex_);
  return grid_;
}

dashboard_reading<ledger_view_report> dashboard_store::ledger() const {
  std::lock_guard lock(mutex_);
  return ledger_;
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

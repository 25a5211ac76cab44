#pragma once
// dashboard_store: what the bridge's actor learns for the dashboard and its HTTP threads serve.
//   - the newest grid_view_report (matchmaker) and ledger_view_report (settlement), each with when
//     it arrived or why the last ask failed; the actor asks every dashboard_refresh_ms, so a burst
//     of dashboard readers costs the grid nothing;
//   - job lookups (`/dashboard/api/jobs/{id}`): an HTTP thread queues one and waits; the actor asks
//     the matchmaker for the trace and the settlement actor for its entries, then answers it.
// Thread-safe.
#include <chrono>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "messages/challenge.hpp"
#include "messages/ledger_view.hpp"
#include "messages/match.hpp"
#include "runtime/actor_waker.hpp"
#include "runtime/result.hpp"

namespace infergrid::http {

template <class Report>
struct dashboard_reading {
  std::optional<Report> report;  // the newest that arrived
  std::chrono::steady_clock::time_point arrived{};
  std::string error;  // why the newest ask failed ("" = it answered)
};

struct job_detail {
  result<trace_report> trace = make_error(error_code::unavailable, "not asked");
  result<entries_reply> entries = make_error(error_code::unavailable, "not asked");
};

struct job_lookup {
  std::string request_id;
  std::promise<job_detail> answer;
};

class dashboard_store {
 public:
  static constexpr std::size_t lookups_waiting_max = 64;

  void set_waker(actor_waker waker) { waker_ = std::move(waker); }

  void set_grid(result<grid_view_report> latest);
  void set_ledger(result<ledger_view_report> latest);
  dashboard_reading<grid_view_report> grid() const;
  dashboard_reading<ledger_view_report> ledger() const;

  // HTTP threads: queues a lookup and wakes the actor; nullopt when too many wait (answer 429).
  std::optional<std::future<job_detail>> ask_job(const std::string& request_id);
  // The actor: the lookups queued since the last call.
  std::vector<std::shared_ptr<job_lookup>> take_lookups();

 private:
  actor_waker waker_;
  mutable std::mutex mutex_;
  dashboard_reading<grid_view_report> grid_;
  dashboard_reading<ledger_view_report> ledger_;
  std::deque<std::shared_ptr<job_lookup>> lookups_;
};

}  // namespace infergrid::http

#pragma once
// dashboard_store: what the bridge's actor learns for the dashboard and its HTTP threads serve.
//   - the newest grid_view_report (matchmaker) and ledger_view_report (settlement), each with when
//     it arrived or why the last ask failed; the actor asks every dashboard_refresh_ms while they are
//     read (dashboard_feed.hpp), so a burst of dashboard readers costs the grid nothing, and seldom
//     after dashboard_unread_after without a reader; the first read after such a quiet spell asks the
//     actor for fresh views at once and waits for them (at most dashboard_fresh_wait), so no reader —
//     a dashboard, a /metrics scrape, `infergrid status` — sees a view older than a refresh;
//   - job lookups (`/dashboard/api/jobs/{id}`): an HTTP thread queues one and waits; the actor asks
//     the matchmaker for the trace and the settlement actor for its entries, then answers it.
// Thread-safe.
#include <atomic>
#include <chrono>
#include <condition_variable>
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

// No read for this long: the feed refreshes seldom, and the next read asks for fresh views first.
inline constexpr auto dashboard_unread_after = std::chrono::seconds(30);
inline constexpr auto dashboard_fresh_wait = std::chrono::milliseconds(500);

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

  // The feed, at start: whether ledger views come too (settlement mode).
  void expect_ledger(bool expected) { ledger_expected_ = expected; }
  void set_grid(result<grid_view_report> latest);
  void set_ledger(result<ledger_view_report> latest);
  // HTTP threads. The first read after dashboard_unread_after without one waits (bounded) for fresh views.
  dashboard_reading<grid_view_report> grid() const;
  dashboard_reading<ledger_view_report> ledger() const;
  // Settlement mode: why the newest ledger view (or liveness probe) failed ("" when it answered, or
  // not settlement mode). /health asks it; not a read of the views, so it does not keep the feed
  // building them, but while /health is asked the feed probes settlement every tick (health_asked_lately).
  std::string ledger_unreachable() const;
  // The feed: whether a reader was seen within dashboard_unread_after, and whether one asked for
  // fresh views since the last call.
  bool read_lately() const;
  // The feed: whether /health asked within dashboard_unread_after. Then, between the seldom views,
  // it sends settlement a cheap liveness probe every tick, so /health reports an outage within
  // about two refreshes instead of up to unread_refresh_factor of them; nothing is probed while
  // nobody asks.
  bool health_asked_lately() const;
  // The feed: ledger views answered so far (a probe notes it as it is sent).
  std::uint64_t ledger_answers() const;
  // The feed: a liveness probe of settlement, sent when ledger_answers() was `answers_when_sent`,
  // got no answer: stored as the ledger view's failure (so the feed then asks for full views every
  // tick until one answers) — unless a view answered since it was sent, which says settlement is
  // there and must not be overwritten by the older probe's timeout.
  void set_ledger_probe_failed(const error& why, std::uint64_t answers_when_sent);
  // The feed: whether the newest ask of a view failed (the matchmaker's, or settlement mode's
  // ledger's): it then asks every tick, read or not, so /health says `ok` again within a refresh of
  // the peer's return instead of every 15th.
  bool last_ask_failed() const;
  bool take_refresh_wanted() { return refresh_wanted_.exchange(false); }

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
  void fresh_after_quiet() const;  // the read-side half of the above
  bool ledger_expected_ = false;
  std::uint64_t updates_ = 0;  // views stored (answers and failures), under mutex_
  std::uint64_t ledger_answers_ = 0;  // ledger views that answered, under mutex_
  mutable std::condition_variable updated_;
  mutable std::atomic<std::chrono::steady_clock::rep> last_read_{0};  // steady_clock ticks; 0 = never
  mutable std::atomic<std::chrono::steady_clock::rep> last_health_ask_{0};  // the same, for /health
  mutable std::atomic<bool> refresh_wanted_{false};
};

}  // namespace infergrid::http

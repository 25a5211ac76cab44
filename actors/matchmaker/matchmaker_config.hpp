#pragma once
// matchmaker settings (the actor's `settings:` mapping), one line each with its default.
#include <cstdint>
#include <string>
#include <vector>

#include "actors/matchmaker/reputation_book.hpp"
#include "actors/matchmaker/routing_policy.hpp"

#include "runtime/result.hpp"
#include "runtime/settings.hpp"

namespace infergrid::matchmaker {

struct matchmaker_config {
  std::int64_t heartbeat_interval_ms = 500;   // told to workers when they register (3 per timeout)
  std::int64_t heartbeat_timeout_ms = 1500;   // a worker silent this long is evicted, its jobs fail over
  std::int64_t stall_timeout_ms = 2000;       // a worker with jobs and no chunk for this long is evicted
  std::int64_t dispatch_timeout_ms = 2000;    // wait for a worker's job_accepted
  std::int64_t tick_ms = 50;                  // liveness, stall, deadline and queue checks while jobs are held
  std::int64_t idle_tick_ms = 500;            // the same checks with no job held (see idle_tick_interval_ms)
  std::int64_t default_deadline_ms = 120000;  // for requests that carry none
  // A job whose worker was lost waits this long for another worker of its model, then fails
  // (unavailable), instead of holding its client until the deadline with nothing streaming.
  std::int64_t orphan_wait_ms = 15000;
  std::uint32_t max_workers = 1024;           // registry entries
  std::uint32_t max_jobs = 4096;              // queued + running requests; more are refused
  std::uint32_t max_attempts = 16;            // dispatches per request (failovers and refusals)
  std::uint64_t min_stake_micro = 0;          // stake gate: workers with less staked are refused
  std::string stake_from;                     // settlement actor asked for a worker's stake ("" = trust its claim)
  std::string receipts_to;                    // actor receiving completion receipts ("" = keep count only)
  // A receipt or partial claim settlement did not answer (down, restarting) is sent again this
  // often until it is (runtime/retried_requests.hpp): the work is paid once settlement is back.
  std::int64_t settlement_retry_ms = 2000;
  // File keeping what is owed to receipts_to until it is answered (runtime/owed_journal.hpp), so a
  // matchmaker killed with receipts unanswered sends them again when it starts; "" = memory only.
  std::string owed_journal;
  // fdatasync each owed record: what is owed survives a machine crash too (runtime/owed_journal.hpp).
  bool owed_journal_sync = false;
  // A submitter that vouches for delivery (the HTTP bridge; vouched_jobs.hpp) and was not heard
  // from for this long (or 3 of its check intervals, if longer) is lost: its jobs are stopped and
  // settled for what it had received by its last word, the rest refunded.
  std::int64_t submitter_lost_ms = 10000;
  // Validators (actor addresses) that get every finished job as an audit_request with its verified
  // receipt, and whose audit_verdicts move reputations; empty = no audits.
  std::vector<std::string> validators;
  std::uint32_t audit_memory = 4096;          // finished requests kept until their receipt comes
  std::int64_t receipt_wait_ms = 120000;      // a finished request's forwarded counts kept this long for its receipt (forwarded_work.hpp)
  routing_weights routing;                    // price_weight: how much the ask weighs in the routing cost (routing_policy.hpp)
  std::uint32_t price_window_jobs = 256;      // finished jobs the clearing price of each model is taken over
  std::int64_t demand_history_s = 7200;       // load and queue history kept for demand_window_query (demand_meter.hpp)
  reputation_config reputation;               // reputation_book.hpp (reputation_* and conviction_quorum keys)
};

result<matchmaker_config> read_matchmaker_config(const settings& config);

// The tick interval with no job held: idle_tick_ms, but at most a quarter of heartbeat_timeout_ms
// (a silent worker is still evicted within 1.25 timeouts) and never below tick_ms.
inline std::int64_t idle_tick_interval_ms(const matchmaker_config& config) {
  const std::int64_t interval = config.idle_tick_ms < config.heartbeat_timeout_ms / 4 ? config.idle_tick_ms
                                                                                      : config.heartbeat_timeout_ms / 4;
  return interval > config.tick_ms ? interval : config.tick_ms;
}

}  // namespace infergrid::matchmaker

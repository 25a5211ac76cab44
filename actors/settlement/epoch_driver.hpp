#pragma once
// epoch_driver: the settlement actor closes epochs on a timer (epoch_interval_s; off when 0), each
// with the pool the supply rule computes from measured demand (market/supply_rule.hpp): the tokens
// the ledger settled in the epoch, and the utilisation and queue p95 the matchmaker measured over
// the period (demand_window_query). Periods end on multiples of the interval in Unix time; the
// close of the period ending at T has op id "epoch-demand/<T in s>", so the ledger itself records
// which periods are closed:
//   - at start the driver finds the newest timer close among the epoch roots and goes on from the
//     end of its period: a period that ended while the actor was down is closed then, in order,
//     each with the demand the matchmaker measured over it (none skipped);
//   - a close is one idempotent ledger command; a period is never closed twice (its op id), and an
//     epoch number the ledger has moved past is a conflict that is retried with the open epoch.
// A demand query that fails (matchmaker unreachable) is logged and retried on the next tick; the
// period stays open meanwhile. The first period starts when the driver first runs on a ledger.
#include <cstdint>
#include <functional>
#include <string>

#include "actors/settlement/ledger/ledger.hpp"
#include "messages/ledger_view.hpp"
#include "messages/match.hpp"
#include "runtime/actor_context.hpp"
#include "runtime/settings.hpp"

namespace infergrid {

struct epoch_driver_settings {
  std::int64_t interval_s = 0;            // epoch_interval_s: 0 = epochs close only on epoch_close
  std::string demand_from = "matchmaker";  // epoch_demand_from: the actor measuring utilisation and queue time
  std::int64_t demand_timeout_ms = 5000;   // epoch_demand_timeout_ms: how long a demand query may take
};

status read_epoch_driver_settings(const settings& config, epoch_driver_settings& out);

class epoch_driver {
 public:
  using answer_fn = std::function<void(result<ledger::acknowledgement>)>;
  using enqueue_fn = std::function<void(ledger::command, answer_fn)>;
  using closed_fn = std::function<void(std::int64_t epoch, const ledger::acknowledgement&)>;

  epoch_driver(actor_context& ctx, epoch_driver_settings settings, ledger::ledger& books, enqueue_fn enqueue,
               closed_fn closed);
  // Finds the newest period the timer closed and arms the timer; nothing when the interval is 0.
  status start();
  // Closes the oldest period that has ended and is not closed yet (one at a time).
  void tick();
  const epoch_driver_view& view() const { return view_; }

 private:
  std::int64_t period_end_after(std::int64_t unix_ms) const;
  void close(std::int64_t from_unix_ms, std::int64_t until_unix_ms, const demand_window_report& demand);

  actor_context& ctx_;
  epoch_driver_settings settings_;
  ledger::ledger& books_;
  enqueue_fn enqueue_;
  closed_fn closed_;
  std::int64_t period_start_unix_ms_ = 0;  // start of the oldest period not closed yet
  bool in_flight_ = false;
  epoch_driver_view view_;
};

// "epoch-demand/<end s>" for the period ending at end_unix_ms; parse_period_end reads it back (0 = not one).
std::string epoch_timer_op_id(std::int64_t end_unix_ms);
std::int64_t parse_period_end(const std::string& op_id);

}  // namespace infergrid

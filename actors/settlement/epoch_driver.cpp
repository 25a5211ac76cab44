#include "actors/settlement/epoch_driver.hpp"

#include <algorithm>
#include <charconv>

#include "actors/settlement/ledger/epoch_close_rule.hpp"
#include "runtime/actor_runner.hpp"
#include "runtime/log.hpp"

namespace infergrid {
namespace {

constexpr std::string_view timer_op_prefix = "epoch-demand/";

// What left the treasury for the pool: the close's first (negative) posting to it.
std::int64_t pool_of(const ledger::outcome& out, const std::string& treasury) {
  for (const ledger::posting& p : out.postings) {
    if (p.account == treasury && p.where == static_cast<std::uint8_t>(ledger::bucket::balance) && p.delta_micro < 0) {
      return -p.delta_micro;
    }
  }
  return 0;
}

}  // namespace

std::string epoch_timer_op_id(std::int64_t end_unix_ms) {
  return std::string(timer_op_prefix) + std::to_string(end_unix_ms / 1000);
}

std::int64_t parse_period_end(const std::string& op_id) {
  if (!op_id.starts_with(timer_op_prefix)) return 0;
  std::int64_t end_s = 0;
  const char* first = op_id.data() + timer_op_prefix.size();
  const char* last = op_id.data() + op_id.size();
  const auto [end, failure] = std::from_chars(first, last, end_s);
  if (failure != std::errc{} || end != last || end_s <= 0) return 0;
  return end_s * 1000;
}

status read_epoch_driver_settings(const settings& config, epoch_driver_settings& out) {
  IG_TRY(read_setting(config, "epoch_interval_s", out.interval_s));
  IG_TRY(read_setting(config, "epoch_demand_from", out.demand_from));
  IG_TRY(read_setting(config, "epoch_demand_timeout_ms", out.demand_timeout_ms));
  if (out.interval_s < 0 || out.demand_timeout_ms < 1 || (out.interval_s > 0 && out.demand_from.empty())) {
    return make_error(error_code::invalid_argument, config.where("epoch_interval_s") +
                                                        ": needs epoch_interval_s >= 0 (0 = off), epoch_demand_timeout_ms "
                                                        ">= 1 and an epoch_demand_from actor");
  }
  return {};
}

epoch_driver::epoch_driver(actor_context& ctx, epoch_driver_settings settings, ledger::ledger& books,
                           enqueue_fn enqueue, closed_fn closed)
    : ctx_(ctx), settings_(std::move(settings)), books_(books), enqueue_(std::move(enqueue)), closed_(std::move(closed)) {
  view_.interval_s = settings_.interval_s;
}

std::int64_t epoch_driver::period_end_after(std::int64_t unix_ms) const {
  const std::int64_t interval_ms = settings_.interval_s * 1000;
  return (unix_ms / interval_ms + 1) * interval_ms;
}

status epoch_driver::start() {
  if (settings_.interval_s == 0) return {};
  period_start_unix_ms_ = ctx_.now_ms();
  auto roots = books_.store().epoch_roots();
  if (!roots.ok()) return roots.err();
  // The newest timer close (the roots are few: one per epoch). Manual closes in between are skipped.
  for (auto root = roots->rbegin(); root != roots->rend(); ++root) {
    auto closing = books_.store().read_range(root->last_seq, 1);
    if (!closing.ok()) return closing.err();
    if (closing->empty()) continue;
    if (const std::int64_t end_ms = parse_period_end(closing->front().op_id); end_ms > 0) {
      period_start_unix_ms_ = end_ms;
      view_.last_period_end_unix_ms = end_ms;
      break;
    }
  }
  view_.next_close_unix_ms = period_end_after(period_start_unix_ms_);
  log(log_level::info, ctx_.address(), "epoch driver: an epoch closes every {} s by demand; the open period started at {} ms",
      settings_.interval_s, period_start_unix_ms_);
  const std::int64_t tick_ms = std::clamp<std::int64_t>(settings_.interval_s * 100, 100, 1000);
  (void)ctx_.every(tick_ms, [this] { tick(); });
  tick();
  return {};
}

void epoch_driver::tick() {
  if (settings_.interval_s == 0 || in_flight_) return;
  const std::int64_t from_ms = period_start_unix_ms_;
  const std::int64_t until_ms = period_end_after(from_ms);
  view_.next_close_unix_ms = until_ms;
  if (ctx_.now_ms() < until_ms) return;
  in_flight_ = true;
  ctx_.request<demand_window_report>(
      settings_.demand_from, demand_window_query{from_ms, until_ms}, settings_.demand_timeout_ms,
      [this, from_ms, until_ms](result<demand_window_report> demand) {
        if (!demand.ok()) {
          in_flight_ = false;
          if (view_.demand_failures++ % 60 == 0) {  // once a minute or so while it lasts
            log(log_level::warn, ctx_.address(), "epoch driver: no demand measure from {} for the period ending {} ms ({}); retrying",
                settings_.demand_from, until_ms, demand.err().message);
          }
          return;
        }
        close(from_ms, until_ms, *demand);
      });
}

void epoch_driver::close(std::int64_t from_ms, std::int64_t until_ms, const demand_window_report& demand) {
  const std::int64_t epoch = books_.state().epoch();
  const std::string op_id = epoch_timer_op_id(until_ms);
  ledger::epoch_close_op op =
      ledger::current_epoch_close(epoch, 0, {}, ledger::epoch_demand{demand.queue_p95_ms, demand.utilisation_ppm});
  enqueue_(ledger::command{op_id, ctx_.address(), std::move(op)},
           [this, from_ms, until_ms, epoch, op_id, demand](result<ledger::acknowledgement> ack) {
             in_flight_ = false;
             if (!ack.ok()) {
               // Recorded already (by an earlier run)? Then that period is closed: go on after it.
               auto recorded = books_.store().find_op(op_id);
               if (recorded.ok() && recorded->has_value()) {
                 period_start_unix_ms_ = until_ms;
                 return tick();
               }
               ctx_.note_error(ack.err());
               log(log_level::warn, ctx_.address(), "epoch driver: closing epoch {} failed: {}; retrying", epoch, ack.err().message);
               return;
             }
             period_start_unix_ms_ = until_ms;
             // As the ledger counted them when it applied the close: a receipt settled after this
             // close was queued is in it (and the next epoch starts from zero).
             const std::int64_t tokens = books_.state().last_close_tokens();
             ++view_.closes;
             view_.last_period_end_unix_ms = until_ms;
             view_.last_epoch = epoch;
             view_.last_pool_micro = pool_of(ack->result, books_.config().treasury_account);
             view_.last_tokens_served = tokens;
             view_.last_utilisation_ppm = demand.utilisation_ppm;
             view_.last_queue_p95_ms = demand.queue_p95_ms;
             log(log_level::info, ctx_.address(),
                 "closed epoch {} by demand (period {} .. {} ms): {} tokens settled, utilisation {} ppm, queue p95 {} ms, "
                 "{} jobs -> reward pool {} micro (entry {})",
                 epoch, from_ms, until_ms, tokens, demand.utilisation_ppm, demand.queue_p95_ms, demand.jobs_dispatched,
                 view_.last_pool_micro, ack->seq);
             closed_(epoch, *ack);
             tick();  // a period that ended while the actor was down comes next
           });
}

}  // namespace infergrid

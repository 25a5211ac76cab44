#include "actors/http_bridge/dashboard_feed.hpp"

#include "actors/settlement/request_op_ids.hpp"

namespace infergrid::http {

namespace {

// Without readers the views are refreshed every this many ticks (15 s at the default 1 s).
constexpr std::int64_t unread_refresh_factor = 15;

}  // namespace

void dashboard_feed::start() {
  shared_.dashboard.expect_ledger(!shared_.config.settlement.empty());
  ctx_.every(shared_.config.dashboard_refresh_ms, [this] { tick(); });
  refresh();
}

void dashboard_feed::tick() {
  // A view whose last ask failed is asked again every tick: /health reads its outcome.
  const bool wanted = shared_.dashboard.read_lately() || shared_.dashboard.last_ask_failed();
  if (wanted || ++ticks_since_refresh_ >= unread_refresh_factor) return refresh();
  if (shared_.dashboard.health_asked_lately()) probe_settlement();
}

// The cheapest question settlement answers from its own actor (an empty entries_query: no entries
// looked up), so a hung settlement actor counts as down, as a dead node does. Only silence is an
// outage: an answered refusal (a bridge that is no coordinator) still says settlement is there.
void dashboard_feed::probe_settlement() {
  if (shared_.config.settlement.empty()) return;
  const std::uint64_t answers = shared_.dashboard.ledger_answers();
  ctx_.request<entries_reply>(shared_.config.settlement, entries_query{}, shared_.config.dashboard_refresh_ms,
                              [this, answers](result<entries_reply> answer) {
                                if (answer.ok()) return;
                                const error_code code = answer.err().code;
                                if (code == error_code::timeout || code == error_code::unavailable) {
                                  shared_.dashboard.set_ledger_probe_failed(answer.err(), answers);
                                }
                              });
}

void dashboard_feed::refresh() {
  ticks_since_refresh_ = 0;
  const std::int64_t timeout_ms = shared_.config.dashboard_refresh_ms;
  ctx_.request<grid_view_report>(shared_.config.matchmaker,
                                 grid_view_query{static_cast<std::uint32_t>(shared_.config.dashboard_recent_jobs)},
                                 timeout_ms, [this](result<grid_view_report> report) {
                                   shared_.dashboard.set_grid(std::move(report));
                                 });
  if (shared_.config.settlement.empty()) return;
  const ledger_view_query query{static_cast<std::uint32_t>(shared_.config.dashboard_ledger_entries),
                                static_cast<std::uint32_t>(shared_.config.dashboard_earnings_epochs)};
  ctx_.request<ledger_view_report>(shared_.config.settlement, query, timeout_ms, [this](result<ledger_view_report> report) {
    shared_.dashboard.set_ledger(std::move(report));
  });
}

void dashboard_feed::answer_lookups() {
  if (shared_.dashboard.take_refresh_wanted()) refresh();
  for (auto& lookup : shared_.dashboard.take_lookups()) look_up(std::move(lookup));
}

// The trace first; its op ids then name the ledger entries. Each step's failure is part of the answer.
void dashboard_feed::look_up(std::shared_ptr<job_lookup> lookup) {
  const std::int64_t timeout_ms = shared_.config.settlement_timeout_ms;
  const std::string request_id = lookup->request_id;
  ctx_.request<trace_report>(
      shared_.config.matchmaker, trace_query{request_id}, timeout_ms,
      [this, lookup, timeout_ms](result<trace_report> trace) {
        job_detail detail;
        detail.trace = std::move(trace);
        if (!detail.trace.ok() || shared_.config.settlement.empty()) {
          if (shared_.config.settlement.empty()) {
            detail.entries = make_error(error_code::unavailable, "this bridge bills from its keys file (no settlement)");
          }
          lookup->answer.set_value(std::move(detail));
          return;
        }
        const std::vector<std::string> op_ids = trace_op_ids(*detail.trace);
        auto shared_detail = std::make_shared<job_detail>(std::move(detail));
        ctx_.request<entries_reply>(shared_.config.settlement, entries_query{op_ids}, timeout_ms,
                                    [lookup, shared_detail](result<entries_reply> entries) {
                                      shared_detail->entries = std::move(entries);
                                      lookup->answer.set_value(std::move(*shared_detail));
                                    });
      });
}

}  // namespace infergrid::http

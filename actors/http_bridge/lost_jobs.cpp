// Jobs the matchmaker lost: a matchmaker that dies or restarts forgets the jobs it held, and their
// clients would wait for their deadline (request_timeout_ms, 2 min by default) with nothing coming.
// The bridge asks every matchmaker_check_ms which of its dispatched jobs the matchmaker still holds
// (held_requests_query: messages on one path keep their order, so each job named was submitted
// before the query arrived) and fails the lost ones at once; when nothing came from the matchmaker
// for matchmaker_lost_ms — no answer, no chunk — it fails every dispatched job. Either way each
// worker is paid for what a streaming client received and the rest of the escrow goes back.
// The same checks vouch for delivery (actors/matchmaker/vouched_jobs.hpp): each names the jobs
// received to the end since the last answered one and says whether it names every job held there,
// and a delivery-only one (naming no held job) goes out as soon as a job ends, so the matchmaker
// pays a receipt only for a job this bridge got whole, and settles the jobs of a bridge that died
// for what it had received.
#include <algorithm>
#include <optional>

#include "actors/http_bridge/http_bridge_state.hpp"
#include "messages/match.hpp"
#include "runtime/log.hpp"

namespace infergrid::http {

void http_bridge_state::check_matchmaker_holds() {
  const std::int64_t now = ctx_.steady_ms();
  std::vector<std::string> dispatched;
  for (const auto& [id, job] : jobs_) {
    if (job.dispatched) dispatched.push_back(id);
  }
  if (dispatched.empty() && delivered_unreported_.empty() && forgotten_unasked_.empty()) {  // silence counts only while jobs wait on the matchmaker
    matchmaker_heard_steady_ms_ = now;
    return;
  }
  const std::int64_t silent_ms = now - matchmaker_heard_steady_ms_;
  // Silence counts once a check went unanswered: after a pause of this process (SIGSTOP, a test's
  // clock jumping ahead) the matchmaker is asked again before anything fails.
  if (silent_ms >= shared_->config.matchmaker_lost_ms && unanswered_checks_ > 0) {
    matchmaker_heard_steady_ms_ = now;
    unanswered_checks_ = 0;
    delivered_reported(delivered_unreported_.size());  // the matchmaker that waited for them is gone
    if (dispatched.empty()) return;
    return fail_lost_jobs(dispatched, "The matchmaker has not answered for " + std::to_string(silent_ms / 1000) +
                                          " s; the request was lost with it. Retry.");
  }
  if (holds_check_in_flight_) return;
  send_holds_query(std::move(dispatched));
}

void http_bridge_state::report_delivered(const std::string& request_id) {
  held_requests_query word;
  word.delivered_ids = {request_id};
  auto journaled = journal_owed(journal_, request_id, word);
  if (!journaled.ok()) log(log_level::error, ctx_.address(), "delivery of {} not journaled: {}", request_id, journaled.err().message);
  delivered_unreported_.push_back({request_id, journaled.ok() ? *journaled : std::nullopt});
  // Bounded: past one query's worth the oldest goes; the matchmaker then settles it as lost, for
  // what this bridge had received by its last check (as if the bridge had died).
  if (delivered_unreported_.size() > held_requests_query::max_ids) delivered_reported(1);
  if (!holds_check_in_flight_) send_holds_query(std::nullopt);
}

void http_bridge_state::send_holds_query(std::optional<std::vector<std::string>> held) {
  held_requests_query query;
  // A delivery-only query (held: none) names no held job, so it proves none lost: it is cheap for
  // the matchmaker however many jobs run, and goes out as soon as a job ends.
  query.names_all = held && held->size() <= held_requests_query::max_ids &&
                    delivered_unreported_.size() <= held_requests_query::max_ids;
  if (held) {
    if (held->size() > held_requests_query::max_ids) held->resize(held_requests_query::max_ids);
    query.request_ids = std::move(*held);
  }
  query.delivered_ids = delivered_ids(held_requests_query::max_ids);
  const std::size_t reported = query.delivered_ids.size();
  query.forgotten_ids = forgotten_ids(held_requests_query::max_ids);
  const std::size_t asked = query.forgotten_ids.size();
  holds_check_in_flight_ = true;
  ctx_.request<held_requests_reply>(shared_->config.matchmaker, std::move(query), shared_->config.matchmaker_check_ms,
                                    [this, reported, asked](result<held_requests_reply> answer) {
                                      holds_check_in_flight_ = false;
                                      if (!answer.ok()) {
                                        ++unanswered_checks_;
                                        log(log_level::debug, ctx_.address(), "held requests: {}", answer.err().message);
                                        return;
                                      }
                                      matchmaker_heard_steady_ms_ = ctx_.steady_ms();
                                      unanswered_checks_ = 0;
                                      // Those named were taken; ones that finished meanwhile go at once.
                                      delivered_reported(std::min(reported, delivered_unreported_.size()));
                                      forgotten_answered(asked, answer->unknown_ids);
                                      fail_lost_jobs(answer->lost_ids,
                                                     "The matchmaker lost the request (it restarted). Retry.");
                                      if (!delivered_unreported_.empty() || !forgotten_unasked_.empty()) {
                                        send_holds_query(std::nullopt);
                                      }
                                    });
}

std::vector<std::string> http_bridge_state::delivered_ids(std::size_t count) const {
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < std::min(count, delivered_unreported_.size()); ++i) ids.push_back(delivered_unreported_[i].request_id);
  return ids;
}

void http_bridge_state::delivered_reported(std::size_t count) {
  for (std::size_t i = 0; i < count && !delivered_unreported_.empty(); ++i) {
    journal_answered(delivered_unreported_.front().journaled, delivered_unreported_.front().request_id);
    delivered_unreported_.pop_front();
  }
}

void http_bridge_state::fail_lost_jobs(const std::vector<std::string>& request_ids, const std::string& why) {
  std::size_t failed = 0;
  for (const std::string& id : request_ids) {
    auto found = jobs_.find(id);
    if (found == jobs_.end() || !found->second.dispatched) continue;  // finished meanwhile
    fail_job(id, api_error{503, why, "api_error", "", "unavailable"}, false);
    ++failed;
  }
  if (failed > 0) log(log_level::warn, ctx_.address(), "{} job(s) failed: {}", failed, why);
  publish_counts();
}

}  // namespace infergrid::http

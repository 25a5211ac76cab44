// Jobs a killed bridge had dispatched: their escrows are held until the job settles, and a job the
// matchmaker never got (it was down when the bridge sent it, and the bridge died before it came back)
// settles nowhere — the payer's funds would wait for the escrow's expiry. With `owed_journal`, each
// escrowed job is journaled as it is dispatched (held_requests_query.forgotten_ids), marked answered
// once it leaves the bridge with what settles it journaled (a receipt's delivery word, or claims and
// a refund). A bridge started again on the journal asks the matchmaker about the jobs it names: the
// matchmaker loses at once those it still watches for this bridge (it pays what the old bridge had
// received and refunds the rest), and names those it never got or owes nothing for (it failed them:
// the failure went to the dead bridge) — refusing them from then on, so no worker can yet be paid
// for one. Only those the bridge refunds; the others are
// the matchmaker's to settle (or their escrows expire, as before). A matchmaker that does not
// answer is asked again at every check.
#include <set>

#include "actors/http_bridge/http_bridge_state.hpp"
#include "runtime/log.hpp"

namespace infergrid::http {

void http_bridge_state::journal_dispatched(job_entry& job, const std::string& request_id) {
  if (!journal_ || !job.escrowed) return;
  held_requests_query word;
  word.forgotten_ids = {request_id};
  auto journaled = journal_owed(journal_, request_id, word);
  if (!journaled.ok()) {
    log(log_level::error, ctx_.address(), "dispatch of {} not journaled: {}", request_id, journaled.err().message);
    return;
  }
  job.dispatch_journaled = *journaled;
}

void http_bridge_state::job_left(const job_entry& job, const std::string& request_id) {
  journal_answered(job.dispatch_journaled, request_id);
}

std::vector<std::string> http_bridge_state::forgotten_ids(std::size_t count) const {
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < std::min(count, forgotten_unasked_.size()); ++i) ids.push_back(forgotten_unasked_[i].request_id);
  return ids;
}

void http_bridge_state::forgotten_answered(std::size_t count, const std::vector<std::string>& unknown_ids) {
  const std::set<std::string> unknown(unknown_ids.begin(), unknown_ids.end());
  std::size_t refunded = 0;
  for (std::size_t i = 0; i < count && !forgotten_unasked_.empty(); ++i) {
    const forgotten_job job = forgotten_unasked_.front();
    forgotten_unasked_.pop_front();
    if (unknown.contains(job.request_id) && !shared_->config.settlement.empty()) {
      // Journaled anew before the entry naming the job is marked answered.
      send_refund(job.request_id, "the matchmaker never got its job, or failed it, before the bridge restarted", false,
                  [this, id = job.request_id](const status& ack) {
                    if (!ack.ok()) log(log_level::debug, ctx_.address(), "refund of forgotten {}: {}", id, ack.err().message);
                  });
      ++refunded;
    }
    journal_answered(job.journaled, job.request_id);
  }
  if (count > 0) {
    log(log_level::info, ctx_.address(),
        "{} job(s) dispatched before the restart asked about: {} never reached the matchmaker or failed there (escrow "
        "refunded), {} "
        "settled by it",
        count, refunded, count - refunded);
  }
}

}  // namespace infergrid::http

#pragma once
// vouched_jobs: the jobs whose submitter vouches for their delivery — the HTTP bridge, which sets
// inference_request.submitter_check_ms. While it holds jobs here such a submitter asks every
// submitter_check_ms which of them the matchmaker still holds (held_requests_query, naming each),
// and names each job it received to the end in delivered_ids. The matchmaker uses that word:
//  - the receipt of a finished job is passed on to settlement only once the submitter named the job
//    delivered (parked until then: usually milliseconds, as the bridge asks again as soon as a job
//    ends);
//  - a job of a submitter that fell silent (not heard for lost_after_ms: its process died or hangs)
//    or that no longer names it (it restarted and forgot it) is lost: the matchmaker stops its
//    worker, pays each worker for what the submitter had received when it last named the job (the
//    signed chunk claims forwarded by then — for a client that streamed; a whole answer never
//    delivered pays nothing, as when a bridge's client leaves), and refunds the rest of the escrow;
//  - except a job that finished (its last chunk forwarded) when its submitter fell silent: its
//    submitter may have received it whole and may yet say so — a bridge frozen for a while and
//    resumed, or restarted on its owed_journal, which names again the deliveries the matchmaker did
//    not take. Its receipt stays parked until the request's deadline: named delivered by then, it
//    settles whole; named in neither list by a query that names all, or still unnamed at the
//    deadline, the job is lost as above. Never both: a job leaves this table once, one way. A
//    matchmaker that stops meanwhile will not be there for the word: it loses them as at their
//    deadline (take_awaited) before it sends what else it holds parked (take_parked).
// So a client is charged for no token its bridge did not get, and a miner loses at most the tokens
// of one check interval when a bridge dies. Submitters that do not vouch (a gateway's REQ clients)
// are not kept here: their receipts pass on at once, as before.
// Pure bookkeeping on the matchmaker's thread; times are the node's steady milliseconds.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "messages/inference.hpp"
#include "messages/ledger.hpp"
#include "messages/match.hpp"

namespace infergrid::matchmaker {

class vouched_jobs {
 public:
  // What settles a finished job once its submitter named it delivered: the earlier workers' claims
  // after a failover, then the receipt.
  struct settlement {
    std::vector<settle_receipt> earlier_claims;
    completion_receipt receipt;
  };
  // A job its submitter lost: pay `delivered_claims`, refund the rest; `running`: its worker is
  // still generating it and is told to stop.
  struct lost_job {
    std::string request_id;
    std::string submitter;
    std::vector<settle_receipt> delivered_claims;
    bool running = false;
    std::string why;
  };
  // What a query from a submitter settles: parked receipts now vouched for, and jobs it lost.
  struct query_outcome {
    std::vector<settlement> vouched;
    std::vector<lost_job> lost;
  };
  // A finished job whose submitter fell silent: kept for its word until `deadline_ms`.
  struct awaited_job {
    std::string request_id;
    std::string why;
    std::int64_t deadline_ms = 0;
  };
  // What the clock settles: jobs lost, and finished jobs now awaiting a silent submitter's word.
  struct silence_outcome {
    std::vector<lost_job> lost;
    std::vector<awaited_job> awaited;
  };
  // The claims forwarded so far for a request (forwarded_work::claims_of).
  using claims_lookup = std::function<std::vector<settle_receipt>(const std::string& request_id)>;

  // A submitter silent for max(lost_after_ms, 3 × its check interval) is lost; at most max_jobs are
  // kept (a new one past that is not watched: its receipt passes on at once, as before).
  vouched_jobs(std::int64_t lost_after_ms, std::size_t max_jobs = 65536)
      : lost_after_ms_(lost_after_ms), max_jobs_(max_jobs) {}

  // A request arrived from `submitter`, due by `deadline_ms`; watched when it vouches
  // (submitter_check_ms > 0).
  void submitted(const inference_request& request, const std::string& submitter, std::int64_t now_ms,
                 std::int64_t deadline_ms);
  // The matchmaker forgets the job without a receipt (the submitter cancelled it, or it failed and
  // the submitter was told): the submitter settles it itself.
  void forget(const std::string& request_id);
  // Its last chunk was forwarded: its receipt waits for the submitter's word.
  void finished(const std::string& request_id);
  // A receipt that passed the matchmaker's checks, of a watched job: kept until its submitter
  // names the job delivered (or loses it).
  void park(settlement&& pending);
  // A held_requests_query from `submitter`. Jobs named held (still running, or finished without the
  // submitter having had the last chunk yet) take a snapshot of their claims; those named delivered
  // are vouched for; with names_all, one named in neither list is lost.
  query_outcome on_query(const std::string& submitter, const held_requests_query& query, std::int64_t now_ms,
                         const claims_lookup& claims_of);
  // `submitter` restarted and names `request_id` as one it no longer holds (forgotten_ids): lost
  // now, as one a restarted submitter's query that names all does not name; none unless it is a
  // job of that submitter's watched here.
  std::optional<lost_job> disowned(const std::string& submitter, const std::string& request_id);
  // Jobs of submitters silent too long — lost, or, finished, awaiting its word until their deadline —
  // and awaited jobs whose deadline passed, lost.
  silence_outcome silent(std::int64_t now_ms);
  // The matchmaker was not running for a while (a paused process, a test clock jumping): every
  // submitter counts as heard now, so nobody is judged on the matchmaker's own silence.
  void resumed(std::int64_t now_ms);

  // The finished jobs awaiting a silent submitter's word, lost now as at their deadline, and taken
  // out (the matchmaker is stopping: it will not be there to take the word).
  std::vector<lost_job> take_awaited();
  // What take_awaited would settle for `request_id` now, the job kept; none unless it is awaited. A
  // matchmaker journals this in place of the parked receipt, so that one killed while it waits
  // settles the job at its next start as one stopping does.
  std::optional<lost_job> lost_if_stopped(const std::string& request_id) const;
  // The receipts still waiting for their submitter's word, taken out (the matchmaker is stopping;
  // take_awaited first, so what it returns is those of submitters not silent).
  std::vector<settlement> take_parked();

  bool watches(const std::string& request_id) const { return jobs_.contains(request_id); }
  std::size_t size() const { return jobs_.size(); }

 private:
  struct entry {
    std::string submitter;
    bool client_streamed = false;
    bool finished = false;
    std::int64_t deadline_ms = 0;
    bool awaited = false;  // finished when its submitter fell silent: in awaited_by_deadline_
    std::vector<settle_receipt> claims_when_last_named;
    std::optional<settlement> parked;
  };
  struct submitter_entry {
    std::int64_t heard_ms = 0;
    std::int64_t check_ms = 0;
    std::size_t jobs = 0;
    std::size_t awaited = 0;  // of its jobs, those awaiting its word after it fell silent
  };
  static lost_job as_lost(const std::string& request_id, const entry& e, std::string why);
  lost_job lose(std::map<std::string, entry>::iterator it, std::string why);
  // Loses the awaited jobs due by `until_ms` into `out`, each "<its submitter><why>".
  void lose_awaited(std::int64_t until_ms, const std::string& why, std::vector<lost_job>& out);
  void erase(std::map<std::string, entry>::iterator it);
  std::int64_t lost_after_ms(const submitter_entry& s) const;

  std::int64_t lost_after_ms_;
  std::size_t max_jobs_;
  std::map<std::string, entry> jobs_;
  std::map<std::string, submitter_entry> submitters_;
  std::set<std::pair<std::int64_t, std::string>> awaited_by_deadline_;  // (deadline_ms, request id)
};

}  // namespace infergrid::matchmaker

#pragma once
// http_bridge: the actor behind the OpenAI-compatible HTTP API (deploy/readme/http.md).
//
// HTTP threads (http_server, completion_route) never touch the actor's loop: they put jobs into
// a bounded inbox (bridge_inbox) that this actor drains on its own thread. For each job it sends an
// `inference_request` to the matchmaker (reply_to = itself, stream = true), turns the `token_chunk`s
// and `inference_failed` it gets back into events on the job's stream, and forwards a client's
// cancellation as `cancel_inference`. In settlement mode it first escrows the job's maximum cost
// with the settlement actor; a job that ends without its receipt (failed, cancelled, timed out, the
// bridge stopping) pays each worker for the tokens a streaming client received (delivered_claims.hpp)
// and refunds the rest (bridge_escrow.hpp). It also keeps the model list fresh (`supply_request`),
// copies the node's per-actor counters for /metrics, re-reads the keys file when it changes and feeds the dashboard (dashboard_feed.hpp).
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>

#include "actors/http_bridge/bridge_shared.hpp"
#include "actors/http_bridge/dashboard_feed.hpp"
#include "actors/http_bridge/delivered_claims.hpp"
#include "actors/http_bridge/http_server.hpp"
#include "messages/inference.hpp"
#include "messages/match.hpp"
#include "runtime/actor_context.hpp"
#include "runtime/file_watch.hpp"
#include "runtime/handler_table.hpp"
#include "runtime/owed_replay.hpp"
#include "runtime/retried_requests.hpp"
#include "runtime/settings.hpp"

namespace infergrid::http {

class http_bridge_state {
 public:
  static constexpr auto read_settings = &parse_http_bridge_config;
  static result<std::unique_ptr<http_bridge_state>> create(actor_context& ctx, const settings& config);
  http_bridge_state(actor_context& ctx, std::unique_ptr<bridge_shared> shared);
  ~http_bridge_state();
  http_bridge_state(const http_bridge_state&) = delete;
  http_bridge_state& operator=(const http_bridge_state&) = delete;

  handler_table handlers();
  void on_start();
  void on_wake();  // HTTP threads queued commands (bridge_inbox)
  int port() const { return server_ ? server_->port() : 0; }

 private:
  struct job_entry {
    std::shared_ptr<job_stream> stream;
    std::uint32_t received = 0;  // generated tokens appended so far (token_chunk.index of the next)
    std::int64_t deadline_steady_ms = 0;  // on the context's steady clock (a test's manual clock drives it)
    std::string payer;     // settlement mode: the ledger account ("" = billed from the keys file)
    bool escrowed = false;  // the settlement actor holds its maximum cost (refunded if the job fails)
    bool client_streams = false;  // the client gets tokens as they come (and pays for those it got)
    delivered_claims delivered;   // each worker's signed claim for what it streamed here
    bool dispatched = false;      // sent to the matchmaker (after its escrow, in settlement mode)
    // The owed journal's entry for the escrow's refund, written before the escrow is asked for and
    // marked answered before the job is dispatched (or once another refund took its place): a bridge
    // killed in between refunds, when it starts again, an escrow whose job never ran.
    std::optional<std::uint64_t> escrow_refund_journaled;
    // The owed journal's entry naming the dispatched job (held_requests_query.forgotten_ids), marked
    // answered as the job leaves, once what settles it is journaled: a bridge killed while it runs
    // asks the matchmaker about it when it starts again (forgotten_jobs.cpp).
    std::optional<std::uint64_t> dispatch_journaled;
  };

  void drain_inbox();
  void submit(bridge_command& command);
  void open_escrow(const std::string& request_id, std::int64_t max_cost_micro, const job_price& caps,
                   inference_request request);
  void dispatch(const inference_request& request);
  // The job ended without its receipt: pays the workers for what a streaming client received, then
  // refunds the rest of the escrow (queued under the request id, each sent again until settlement
  // answers it, so it sees that order and a settlement process that was down still gets them).
  // `stopping`: sent once without awaiting the answers (the destructor's last words).
  void settle_delivered(const std::string& request_id, const job_entry& job, std::string reason, bool stopping = false);
  // The escrow was asked for but its answer never came (timed out, or the bridge stops first): the
  // settlement actor may still record it, so a refund follows on the same path, after it. A refund of
  // an escrow never recorded is refused by the ledger and changes nothing.
  // `journaled`: the refund is in the owed journal already (the job's escrow_refund_journaled).
  void refund_unanswered_escrow(const std::string& request_id, std::optional<std::uint64_t> journaled,
                                bool stopping = false);
  // Both refund paths: `stopping`, sent without awaiting the answer; else sent until answered, and
  // the answer given to `answered`.
  void send_refund(const std::string& request_id, std::string reason, bool stopping,
                   std::function<void(const status&)> answered, std::optional<std::uint64_t> journaled = std::nullopt);
  // Sends `m` to the settlement actor, again until it answers; `answered` gets the answer. Written to
  // the owed journal first (when there is one) unless `journaled` says it is there already.
  template <class Reply, class M>
  void owe_settlement(const M& m, std::function<void(const status&)> answered,
                      std::optional<std::uint64_t> journaled = std::nullopt);
  // `stopping`: `m` sent once, not awaited (the destructor's last words), and left in the owed
  // journal, if any, for the next start to send again (settlement takes it once).
  template <class M>
  void send_last_word(const M& m, std::optional<std::uint64_t> journaled = std::nullopt);
  // What the owed journal held at start: claims and refunds owed again, deliveries named again.
  void owe_journaled();
  // Marks `journaled` answered in the owed journal (logged if the write fails).
  void journal_answered(std::optional<std::uint64_t> journaled, const std::string& request_id);
  void cancel(const std::string& request_id);
  void on_chunk(const token_chunk& chunk);
  void on_failed(const inference_failed& failure);
  void refresh_models();
  void reload_keys();  // the keys file changed (a key made or revoked): its keys take over
  void expire_jobs();
  // lost_jobs.cpp: asks the matchmaker which dispatched jobs it still holds and fails the ones it
  // lost; fails them all when nothing came from it for matchmaker_lost_ms.
  void check_matchmaker_holds();
  void fail_lost_jobs(const std::vector<std::string>& request_ids, const std::string& why);
  // The job's last chunk came: the matchmaker hears so in the next check, a delivery-only one sent
  // at once when none is under way (it pays the job's receipt only then).
  void report_delivered(const std::string& request_id);
  // Asks which of `held` the matchmaker holds, naming the deliveries not yet reported; none: a
  // delivery-only query (it names no held job, so proves none lost).
  void send_holds_query(std::optional<std::vector<std::string>> held);
  void fail_job(const std::string& request_id, const api_error& why, bool cancel_upstream);
  // forgotten_jobs.cpp: an escrowed job about to be dispatched is journaled, and marked answered as
  // it leaves (job_left); those the journal names at start are asked about, and the escrows of the
  // ones the matchmaker never got (or owes nothing for) refunded.
  void journal_dispatched(job_entry& job, const std::string& request_id);
  void job_left(const job_entry& job, const std::string& request_id);
  std::vector<std::string> forgotten_ids(std::size_t count) const;  // the first `count` not asked about
  // The matchmaker answered for the first `count`: the escrows of `unknown_ids` among them refunded.
  void forgotten_answered(std::size_t count, const std::vector<std::string>& unknown_ids);
  void publish_counts();

  actor_context& ctx_;
  std::unique_ptr<bridge_shared> shared_;
  std::unique_ptr<http_server> server_;
  dashboard_feed dashboard_;
  file_watch keys_watch_;
  std::unordered_map<std::string, job_entry> jobs_;
  retried_requests settlement_owed_;
  std::int64_t matchmaker_heard_steady_ms_ = 0;  // the last answer or chunk from the matchmaker
  bool holds_check_in_flight_ = false;
  std::uint32_t unanswered_checks_ = 0;  // held-requests checks unanswered since the matchmaker was last heard
  // Jobs received to the end, not yet named to the matchmaker in an answered check, oldest first,
  // each with its owed journal id (the word is journaled: a bridge killed before the matchmaker took
  // it names them again when it starts, so their parked receipts pay).
  struct delivered_job {
    std::string request_id;
    std::optional<std::uint64_t> journaled;
  };
  std::deque<delivered_job> delivered_unreported_;
  std::vector<std::string> delivered_ids(std::size_t count) const;  // the first `count` unreported
  void delivered_reported(std::size_t count);  // the first `count` were taken (or are moot): dropped
  // Jobs the owed journal named at start as dispatched before the restart, not yet asked about,
  // oldest first, each with its journal id.
  struct forgotten_job {
    std::string request_id;
    std::uint64_t journaled = 0;
  };
  std::deque<forgotten_job> forgotten_unasked_;
  std::optional<owed_journal> journal_;  // config.owed_journal, opened by create()
  std::mt19937_64 seeds_;
};

}  // namespace infergrid::http

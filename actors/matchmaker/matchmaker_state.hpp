#pragma once
// matchmaker: the registry of live workers, the routing policy (routing_policy.hpp), a bounded
// queue of requests waiting for capacity with per-request deadlines, and failover.
//
// A request (inference_request from the gateway, reply_to = where to stream) becomes a job. The
// job is dispatched to the chosen worker (inference_job); the worker's token_chunk messages are
// forwarded to reply_to when they continue the stream exactly (index == tokens so far, from the
// job's current worker), so a chunk is never duplicated or skipped. When the worker dies (missed
// heartbeats), stalls (no chunk for stall_timeout_ms while it has jobs), leaves, or reports a
// failure, each of its jobs is dispatched again with resume_tokens = the tokens already streamed;
// seeded per-position sampling makes the new worker continue with the very same tokens.
// The stream ends with a chunk whose finish_reason is set, or with inference_failed.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "actors/matchmaker/audit_feed.hpp"
#include "actors/matchmaker/forwarded_work.hpp"
#include "actors/matchmaker/matchmaker_config.hpp"
#include "actors/matchmaker/demand_book.hpp"
#include "actors/matchmaker/demand_meter.hpp"
#include "actors/matchmaker/price_book.hpp"
#include "actors/matchmaker/recent_request_ids.hpp"
#include "actors/matchmaker/reputation_book.hpp"
#include "actors/matchmaker/vouched_jobs.hpp"
#include "actors/matchmaker/worker_registry.hpp"
#include "messages/inference.hpp"
#include "messages/match.hpp"
#include "runtime/actor_context.hpp"
#include "runtime/handler_table.hpp"
#include "runtime/owed_replay.hpp"
#include "runtime/retried_requests.hpp"

namespace infergrid::matchmaker {

struct matchmaker_counters {
  std::uint64_t completed = 0;
  std::uint64_t failed = 0;
  std::uint64_t failovers = 0;
  std::uint64_t evictions = 0;
  std::uint64_t stale_chunks = 0;  // from a worker the job has left, or not continuing the stream
  std::uint64_t receipts = 0;
  std::uint64_t bad_receipts = 0;   // forged or missing signature
  std::uint64_t audit_verdicts = 0;
  std::uint64_t convictions = 0;
  std::uint64_t refused_receipts = 0;   // counts that do not match what was forwarded
  std::uint64_t partial_claims = 0;     // earlier workers' chunk claims sent for payment after a failover
  std::uint64_t unsent_settlements = 0; // receipts and claims dropped: too many already waited for settlement
  std::uint64_t lost_by_submitter = 0;  // jobs whose bridge died, hung or forgot them (vouched_jobs.hpp)
  std::uint64_t segment_audits = 0;     // segments paid from chunk claims, handed to the validators
  std::uint64_t unstaked_refusals = 0;  // registrations the stake gate refused
  struct per_model {
    std::uint64_t completed = 0;
    std::uint64_t failovers = 0;
  };
  std::map<std::string, per_model> models;  // by model name (bounded by the models workers offered)
};

class matchmaker_state {
 public:
  static constexpr auto read_settings = &read_matchmaker_config;
  static result<std::unique_ptr<matchmaker_state>> create(actor_context& ctx, const settings& config);
  matchmaker_state(actor_context& ctx, matchmaker_config config);
  // Stopping: bridges silent for submitter_lost_ms are judged first, as a tick would, and the jobs
  // awaiting a silent bridge's word are settled as lost; receipts still waiting for the word of a
  // bridge not silent are sent as they are (settlement stops after the matchmaker and records them),
  // as before bridges vouched: a stop is not a lost bridge.
  ~matchmaker_state();
  handler_table handlers();
  void on_start();

  supply_report supply(const std::string& model) const;
  // The grid's load and queue time over a window of wall-clock time (demand_meter.hpp).
  result<demand_window_report> demand_window(const demand_window_query& window) const;
  // The dashboard's picture: workers, supply, counters, the newest finished jobs (grid_view.cpp).
  grid_view_report grid_view(std::uint32_t recent_jobs) const;

 private:
  struct job {
    inference_request request;
    std::vector<std::int32_t> streamed;
    std::string worker_id;  // "" while queued
    std::uint64_t attempt = 0;
    std::set<std::string> tried;  // workers that refused or failed it since it was last queued
    clock::time_point dispatched_at{};
    bool first_token_seen = false;
    clock::time_point deadline{};
    std::string submitted_by;  // the sender of the request: only it may cancel
    model_ask price;           // the current worker's ask when it was dispatched (the price index)
    clock::time_point arrived{};  // when the request came (its wait until the first dispatch: demand_book)
    std::optional<clock::time_point> orphaned_since;  // waiting for a worker of its model since its own was lost
  };

  void submit(inference_request request, const envelope& in);
  void route(const std::string& request_id);
  void enqueue(const std::string& request_id);
  void dispatch(job& j, worker_entry& worker);
  void failover(const std::string& request_id, const std::string& why);
  void evict(const std::string& worker_id, const std::string& why);
  void release(job& j);
  // Ends a job here: with `stop_worker`, the worker serving it (if any) is told to stop; its slot is
  // freed, the job forgotten, and the counts its workers streamed kept for their receipts
  // (forwarded_work). Returns the job as it was.
  job drop_job(std::map<std::string, job>::iterator found, bool stop_worker);
  // Drops the job (drop_job) and tells its submitter it failed with `why`.
  void finish_failed(const std::string& request_id, const error& why, bool stop_worker = false);
  // `sender`: the envelope's, told to stop when the chunk is of no job it holds for that worker.
  void on_chunk(const token_chunk& chunk, const std::string& sender);
  void on_worker_failure(const inference_failed& failure, const envelope& in);
  status on_receipt(const completion_receipt& receipt, const envelope& in);
  status on_verdict(const audit_verdict& verdict, const envelope& in);
  // Copies the book's current reputation into the registry entry routing reads.
  void refresh_reputation(const std::string& worker_id, clock::time_point now);
  void tick();
  // Submitters silent for submitter_lost_ms (vouched_jobs::silent): their jobs lost, or, finished,
  // awaiting their word — unless this process itself was not running since the last tick.
  // `stopping`: what is lost is sent as last words (settle_lost).
  void judge_silent_submitters(bool stopping);
  // Arms the next tick: every tick_ms while any job is held, else every idle_tick_interval_ms
  // (an idle grid's matchmaker wakes a few times a second, not 20); submit() re-arms a slow one.
  void arm_tick();
  // The node's steady time through the context (a test's manual clock moves it): every deadline,
  // stall and liveness check here reads this, never the system clock.
  clock::time_point steady_now() const { return clock::time_point(std::chrono::milliseconds(ctx_.steady_ms())); }
  // Routes the queued jobs again, oldest first (forget_tried: also on workers they failed on).
  void route_waiting(bool forget_tried);
  // A worker's message must be signed by the worker's own key (or come from this process).
  status check_worker_sender(const std::string& worker_id) const;
  result<worker_registered> admit_worker(const worker_register& hello);
  // Registration through the stake gate: settlement's stake_query, not the worker's own claim.
  void register_after_stake_check(const worker_register& hello);
  // Sends a receipt, a partial claim or a refund to receipts_to, again until settlement answers it
  // (with a Reply).
  // `journaled`: its owed_journal id when it was journaled before (sent again after a restart).
  template <class Reply, class Claim>
  void owe_settlement(const Claim& claim, std::string what, std::optional<std::uint64_t> journaled = std::nullopt);
  // What the journal held at start, owed again (receipts and claims, refunds), oldest first — each
  // request's after submitter_lost_ms (replayed_), or sooner when its bridge names it delivered.
  // A journaled receipt may be one parked for a bridge's word when this process was killed: a
  // bridge that still holds that job (it names it held in a check, and is answered that the job is
  // lost) fails it to its client and settles what it delivered itself, so what was journaled for
  // it is dropped, never sent — the payer is not charged the whole answer its client was told had
  // failed. A bridge that received it whole names it delivered again (the killed matchmaker never
  // answered that word), and it is sent at once; named by no bridge in that time (its bridge is
  // gone, or heard the answer before the kill), it is sent then.
  void owe_journaled();
  // The held replays of a request a bridge named in a check: sent now (`delivered`), or dropped
  // (held by the bridge: it settles the job), their journal entries marked answered.
  void replayed_named(const std::string& request_id, bool delivered);
  void send_replayed();
  // A receipt its submitter vouched for (or that needs no vouching): the earlier workers' claims,
  // then the receipt.
  void settle(vouched_jobs::settlement&& vouched);
  // A job its submitter lost: its worker stops, the claims of what the submitter had received are
  // paid and the rest of the escrow is refunded — owed until settlement answers, or, `stopping`,
  // sent once as last words.
  void settle_lost(vouched_jobs::lost_job&& lost, bool stopping = false);
  // A message to receipts_to as the matchmaker stops: journaled first (so what settlement did not
  // take, being down, is sent again at the next start), then sent once.
  template <class M>
  void last_word(const M& m);
  // A receipt parked for its submitter's word (with the earlier workers' claims) is journaled as
  // it parks, so a matchmaker killed meanwhile pays it at its next start — as a stopping one pays
  // what it holds parked. Once the parked receipt leaves (vouched, lost, forgotten, replaced, sent
  // as the matchmaker stops) after whatever settles it was journaled anew, its entries are marked
  // answered: a lost job's receipt is never sent after a restart.
  // A job awaiting its silent bridge's word (vouched_jobs::lost_if_stopped) is journaled as it would
  // settle were this process to stop, or die, now — its delivered claims and a refund — in place of
  // its receipt: called again (`parked` null) as the job comes to await, it rewrites what was parked.
  void journal_parked(const vouched_jobs::settlement* parked, const std::string& request_id);
  // A restarted bridge's forgotten_ids: each job it watches for that bridge is lost now (its claims
  // as of the old bridge's last check paid, the rest refunded); returns those it neither holds nor
  // may still pay anyone for (may_still_settle), refused from now on — the bridge refunds them.
  std::vector<std::string> disown(const std::vector<std::string>& request_ids, const std::string& submitter);
  // Whether anything of the request is here that could still pay a worker or close its escrow: the
  // job, its watch, a settlement message owed (queued, parked, or journaled and not yet queued), or
  // its forwarded segments (a receipt may still come for them) — unless it failed here: its
  // submitter settles it, and disown forgets them so that no receipt of it is passed on.
  bool may_still_settle(const std::string& request_id) const;
  void release_parked(const std::string& request_id);
  void mark_answered(const std::string& request_id, const std::vector<std::uint64_t>& entries);
  // The segments of a request that ended without their worker's receipt (paid from chunk claims)
  // go to the validators as receipts do.
  void audit_segments(const inference_request& request, std::vector<claimed_segment> segments);

  actor_context& ctx_;
  matchmaker_config config_;
  worker_registry registry_;
  std::map<std::string, job> jobs_;
  std::deque<std::string> queue_;  // ids of jobs waiting for capacity, oldest first
  clock::time_point last_tick_{};  // latency estimates fade by the time between ticks
  timer_id tick_timer_ = 0;
  bool ticking_fast_ = false;      // the armed tick is tick_ms away (jobs were held when it was armed)
  matchmaker_counters counters_;
  audit_feed audits_;
  reputation_book reputation_;
  forwarded_work forwarded_;
  vouched_jobs vouched_;
  retried_requests settlement_owed_;     // receipts, claims and refunds settlement has not answered yet
  std::optional<owed_journal> journal_;  // config_.owed_journal, opened by create()
  std::map<std::string, std::vector<std::uint64_t>> parked_journal_;  // request id -> journal_parked's entries
  struct replayed_entry {
    std::uint64_t journal_id = 0;
    std::function<void()> send;  // owes it again under its journal id
  };
  std::map<std::string, std::vector<replayed_entry>> replayed_;  // request id -> owe_journaled's held replays, in order
  // The requests a restarted bridge asked about that the matchmaker never got, or settled nothing
  // of and owes nothing for. The bridge refunds their escrows on that word, so one that still
  // arrives (sent before the bridge died and held up on the way) is refused: no worker runs it, and
  // none is paid, for an escrow that went back. (One held up past the newest max_ids arrives past
  // its deadline, refused too.)
  recent_request_ids disowned_{held_requests_query::max_ids};
  // Requests failed here (finish_failed): their submitter was told and settles each itself, so a
  // restarted one that no longer holds one may refund it at once (its late receipt is refused).
  recent_request_ids failed_to_submitter_{held_requests_query::max_ids};
  price_book prices_;
  demand_book demand_;
  demand_meter meter_;
};

}  // namespace infergrid::matchmaker

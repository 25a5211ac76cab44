#include "actors/matchmaker/matchmaker_state.hpp"

#include <algorithm>
#include <utility>

#include "actors/gpu_worker/receipt_signing.hpp"
#include "actors/settlement/request_op_ids.hpp"
#include "actors/matchmaker/routing_policy.hpp"
#include "actors/validator/verdict_signing.hpp"
#include "runtime/actor_kind_registry.hpp"
#include "runtime/actor_runner.hpp"
#include "messages/ledger.hpp"
#include "runtime/log.hpp"

namespace infergrid::matchmaker {
namespace {

using std::chrono::milliseconds;

double elapsed_ms(clock::time_point since, clock::time_point now) {
  return std::chrono::duration<double, std::milli>(now - since).count();
}

}  // namespace

result<std::unique_ptr<matchmaker_state>> matchmaker_state::create(actor_context& ctx, const settings& settings) {
  auto config = read_matchmaker_config(settings);
  if (!config.ok()) return config.err();
  std::optional<owed_journal> journal;
  if (!config->owed_journal.empty()) {
    owed_journal_settings journal_settings;
    journal_settings.sync = config->owed_journal_sync;
    auto opened = owed_journal::open(config->owed_journal, ctx.address(), journal_settings);
    if (!opened.ok()) return make_error(opened.err().code, settings.where("owed_journal") + ": " + opened.err().message);
    journal.emplace(std::move(*opened));
  }
  auto state = std::make_unique<matchmaker_state>(ctx, std::move(*config));
  state->journal_ = std::move(journal);
  return state;
}

matchmaker_state::matchmaker_state(actor_context& ctx, matchmaker_config config)
    : ctx_(ctx),
      config_(std::move(config)),
      audits_(config_.validators, config_.audit_memory, ctx.address().substr(0, ctx.address().find('/'))),
      reputation_(config_.reputation),
      forwarded_(config_.receipt_wait_ms),
      vouched_(config_.submitter_lost_ms),
      settlement_owed_(retried_requests_settings{config_.settlement_retry_ms},
                       [&ctx] { return ctx.steady_ms(); },
                       [this](const std::string& request_id, const error& why, std::uint32_t tries) {
                         log(tries == 1 ? log_level::warn : log_level::debug, ctx_.address(),
                             "settlement did not take what is owed for {} ({}): sent again every {} ms until it does",
                             request_id, why.message, config_.settlement_retry_ms);
                       }),
      prices_(config_.price_window_jobs),
      demand_(config_.price_window_jobs),
      meter_(config_.demand_history_s) {
  registry_.reputation_floor_permille = config_.reputation.routing_floor_permille;
}

matchmaker_state::~matchmaker_state() {
  if (config_.receipts_to.empty()) return;
  // Bridges silent for submitter_lost_ms are judged now, as the next tick would have: a stop
  // between their silence and that tick must not pay what they never vouched for.
  judge_silent_submitters(true);
  // A finished job awaiting a silent bridge's word is settled as at its deadline without it (this
  // process will not be there to take the word): the bridge may never have received it.
  for (vouched_jobs::lost_job& lost : vouched_.take_awaited()) settle_lost(std::move(lost), true);
  // Receipts still waiting for the word of a bridge not silent are sent as it stops, once.
  for (vouched_jobs::settlement& parked : vouched_.take_parked()) {
    for (const settle_receipt& earlier : parked.earlier_claims) last_word(earlier);
    last_word(parked.receipt);
    release_parked(parked.receipt.request_id);
  }
}

template <class M>
void matchmaker_state::last_word(const M& m) {
  if (auto journaled = send_last_word(ctx_, journal_, config_.receipts_to, m.request_id, m); !journaled.ok()) {
    log(log_level::error, ctx_.address(), "settlement message for {} not journaled: {}", m.request_id, journaled.err().message);
  }
}

void matchmaker_state::on_start() {
  arm_tick();
  if (!config_.receipts_to.empty()) {
    (void)ctx_.every(config_.settlement_retry_ms, [this] { settlement_owed_.retry_due(); });
    owe_journaled();
  }
}

void matchmaker_state::owe_journaled() {
  if (!journal_) return;
  if (const std::size_t owed = journal_->owed().size(); owed > 0) {
    log(log_level::info, ctx_.address(), "{} settlement message(s) owed before a restart sent again (journal {})", owed,
        journal_->path());
  }
  // One row per kind of message owe_settlement sends; each held until its request is named or
  // submitter_lost_ms passed (owe_journaled in matchmaker_state.hpp).
  const auto hold = [this](const std::string& request_id, std::uint64_t id, std::function<void()> send) {
    replayed_[request_id].push_back({id, std::move(send)});
  };
  const std::vector<owed_replay_row> rows = {
      owed_replay_as<completion_receipt>([this, hold](const completion_receipt& m, std::uint64_t id) {
        hold(m.request_id, id, [this, m, id] { owe_settlement<settle_reply>(m, "journaled receipt", id); });
      }),
      owed_replay_as<settle_receipt>([this, hold](const settle_receipt& m, std::uint64_t id) {
        hold(m.request_id, id, [this, m, id] { owe_settlement<settle_reply>(m, "journaled partial claim", id); });
      }),
      owed_replay_as<refund_request>([this, hold](const refund_request& m, std::uint64_t id) {
        hold(m.request_id, id, [this, m, id] { owe_settlement<ledger_ack>(m, "journaled refund", id); });
      }),
  };
  for (const std::string& dropped : replay_owed(*journal_, rows)) log(log_level::error, ctx_.address(), "{}", dropped);
  if (!replayed_.empty()) (void)ctx_.after(config_.submitter_lost_ms, [this] { send_replayed(); });
}

void matchmaker_state::send_replayed() {
  for (auto& [request_id, entries] : std::exchange(replayed_, {})) {
    for (replayed_entry& entry : entries) entry.send();
  }
}

void matchmaker_state::replayed_named(const std::string& request_id, bool delivered) {
  auto found = replayed_.find(request_id);
  if (found == replayed_.end()) return;
  std::vector<replayed_entry> entries = std::move(found->second);
  replayed_.erase(found);
  if (delivered) {
    for (replayed_entry& entry : entries) entry.send();
    return;
  }
  std::vector<std::uint64_t> ids;
  for (const replayed_entry& entry : entries) ids.push_back(entry.journal_id);
  mark_answered(request_id, ids);
  log(log_level::warn, ctx_.address(),
      "request {}: what was owed for it before the restart is not sent — its submitter still holds the job, "
      "unfinished for it, and settles what it delivered",
      request_id);
}

void matchmaker_state::arm_tick() {
  ticking_fast_ = !jobs_.empty();
  const std::int64_t interval_ms = ticking_fast_ ? config_.tick_ms : idle_tick_interval_ms(config_);
  tick_timer_ = ctx_.after(interval_ms, [this] {
    tick();
    arm_tick();
  });
}

void matchmaker_state::submit(inference_request request, const envelope& in) {
  if (request.reply_to.empty()) request.reply_to = in.sender;
  const std::string id = request.request_id;
  const auto refuse = [&](error why) {
    ++counters_.failed;
    (void)ctx_.send(request.reply_to, inference_failed{id, static_cast<std::uint16_t>(why.code), why.message});
  };
  if (id.empty() || request.model.empty()) return refuse(make_error(error_code::invalid_argument, "request_id and model are required"));
  if (jobs_.contains(id)) return refuse(make_error(error_code::conflict, "request " + id + " is already in progress"));
  if (disowned_.contains(id)) {
    return refuse(make_error(error_code::conflict, "request " + id + " was given up by its submitter (restarted) before it arrived"));
  }
  if (jobs_.size() >= config_.max_jobs) {
    return refuse(make_error(error_code::unavailable, "the matchmaker holds " + std::to_string(jobs_.size()) +
                                                          " requests already (max_jobs)"));
  }
  const auto now = steady_now();
  std::int64_t budget_ms = config_.default_deadline_ms;
  if (request.deadline_ms != 0) budget_ms = request.deadline_ms - ctx_.now_ms();
  if (budget_ms <= 0) return refuse(make_error(error_code::timeout, "request " + id + " arrived after its deadline"));
  job& j = jobs_[id];
  j.submitted_by = in.sender;
  j.arrived = now;
  j.request = std::move(request);
  j.deadline = now + milliseconds(budget_ms);
  vouched_.submitted(j.request, in.sender, ctx_.steady_ms(), ctx_.steady_ms() + budget_ms);
  route(id);
  if (!ticking_fast_ && !jobs_.empty()) {  // deadlines and stalls are checked every tick_ms from now on
    ctx_.cancel(tick_timer_);
    arm_tick();
  }
}

void matchmaker_state::route(const std::string& request_id) {
  auto found = jobs_.find(request_id);
  if (found == jobs_.end()) return;
  job& j = found->second;
  if (j.attempt >= config_.max_attempts) {
    return finish_failed(request_id, make_error(error_code::unavailable, "request " + request_id + " failed on " +
                                                                            std::to_string(j.attempt) + " workers"));
  }
  const route_decision decision = choose_worker(registry_, j.request, j.tried, config_.routing);
  switch (decision.outcome) {
    case route_outcome::chosen:
      return dispatch(j, *registry_.find(decision.worker_id));
    case route_outcome::busy:
      return enqueue(request_id);
    case route_outcome::refused:
      // A job that already ran somewhere waits (orphan_wait_ms at most) for a worker to come back.
      if (j.attempt > 0 && decision.why.code == error_code::not_found) {
        if (!j.orphaned_since) j.orphaned_since = steady_now();
        return enqueue(request_id);
      }
      return finish_failed(request_id, decision.why);
  }
}

void matchmaker_state::enqueue(const std::string& request_id) {
  if (std::find(queue_.begin(), queue_.end(), request_id) == queue_.end()) queue_.push_back(request_id);
}

void matchmaker_state::dispatch(job& j, worker_entry& worker) {
  const auto now = steady_now();
  if (worker.assigned == 0) worker.last_progress = now;
  ++worker.assigned;
  registry_.note_dispatch(worker);
  j.worker_id = worker.worker_id;
  j.dispatched_at = now;
  j.orphaned_since.reset();
  j.first_token_seen = false;
  if (const model_offer* offer = worker.offer(j.request.model)) {
    j.price = {offer->name, offer->price_prompt_micro, offer->price_completion_micro};
  }
  if (j.attempt == 0) {
    const auto waited_ms = static_cast<std::int64_t>(elapsed_ms(j.arrived, now));
    demand_.waited(j.request.model, waited_ms);
    meter_.waited(ctx_.now_ms(), waited_ms);
  }
  const std::uint64_t attempt = ++j.attempt;
  const std::string request_id = j.request.request_id;
  forwarded_.started(request_id, worker.worker_id, static_cast<std::uint32_t>(j.streamed.size()));
  inference_job work{j.request, {}, j.streamed, ctx_.address(), attempt - 1};
  ctx_.request<job_accepted>(worker.address, work, config_.dispatch_timeout_ms,
                             [this, request_id, attempt, worker_id = worker.worker_id](result<job_accepted> reply) {
                               auto found = jobs_.find(request_id);
                               if (reply.ok() || found == jobs_.end() || found->second.attempt != attempt) return;
                               job& j = found->second;
                               const error_code code = reply.err().code;
                               if (code == error_code::invalid_argument || code == error_code::too_large) {
                                 return finish_failed(request_id, reply.err());  // the request itself is bad
                               }
                               release(j);
                               j.tried.insert(worker_id);
                               route(request_id);
                             });
}

void matchmaker_state::release(job& j) {
  if (j.worker_id.empty()) return;
  if (worker_entry* worker = registry_.find(j.worker_id); worker != nullptr && worker->assigned > 0) --worker->assigned;
  j.worker_id.clear();
}

matchmaker_state::job matchmaker_state::drop_job(std::map<std::string, job>::iterator found, bool stop_worker) {
  const std::string request_id = found->first;
  if (stop_worker) {
    if (const worker_entry* worker = registry_.find(found->second.worker_id)) {
      (void)ctx_.send(worker->address, cancel_inference{request_id});
    }
  }
  release(found->second);
  job dropped = std::move(found->second);
  jobs_.erase(found);
  audit_segments(dropped.request, forwarded_.finished(request_id, ctx_.now_ms()));
  return dropped;
}

void matchmaker_state::finish_failed(const std::string& request_id, const error& why, bool stop_worker) {
  auto found = jobs_.find(request_id);
  if (found == jobs_.end()) return;
  const job dropped = drop_job(found, stop_worker);
  ++counters_.failed;
  (void)ctx_.send(dropped.request.reply_to, inference_failed{request_id, static_cast<std::uint16_t>(why.code), why.message});
  vouched_.forget(request_id);  // its submitter was told and settles it
  failed_to_submitter_.add(request_id);
  log(log_level::info, ctx_.address(), "request {} failed, its submitter told: {}", request_id, why.message);
  release_parked(request_id);
}

void matchmaker_state::failover(const std::string& request_id, const std::string& why) {
  auto found = jobs_.find(request_id);
  if (found == jobs_.end()) return;
  job& j = found->second;
  if (!j.worker_id.empty()) {
    if (const worker_entry* worker = registry_.find(j.worker_id)) (void)ctx_.send(worker->address, cancel_inference{request_id});
    j.tried.insert(j.worker_id);
  }
  release(j);
  ++counters_.failovers;
  ++counters_.models[j.request.model].failovers;
  log(log_level::info, ctx_.address(), "request {} fails over after {} tokens: {}", request_id, j.streamed.size(), why);
  route(request_id);
}

void matchmaker_state::evict(const std::string& worker_id, const std::string& why) {
  std::vector<std::string> orphans;
  for (auto& [id, j] : jobs_) {
    if (j.worker_id == worker_id) orphans.push_back(id);
  }
  // Cancel on the worker (if it still listens) before forgetting where it is.
  if (const worker_entry* worker = registry_.find(worker_id)) {
    for (const auto& id : orphans) (void)ctx_.send(worker->address, cancel_inference{id});
  }
  if (registry_.remove(worker_id)) {
    ++counters_.evictions;
    log(log_level::info, ctx_.address(), "worker {} evicted ({}), {} jobs fail over", worker_id.substr(0, 12), why,
        orphans.size());
  }
  for (const auto& id : orphans) {
    jobs_[id].worker_id.clear();
    jobs_[id].tried.insert(worker_id);
    ++counters_.failovers;
    ++counters_.models[jobs_[id].request.model].failovers;
    route(id);
  }
}

void matchmaker_state::on_chunk(const token_chunk& chunk, const std::string& sender) {
  auto found = jobs_.find(chunk.request_id);
  const bool not_its_job = found == jobs_.end() || found->second.worker_id != chunk.worker_id;
  if (not_its_job || chunk.index != found->second.streamed.size()) {
    ++counters_.stale_chunks;
    // A worker streaming a job this matchmaker does not hold for it (this matchmaker restarted, or
    // the job failed over elsewhere or was cancelled) works for nobody: it is told to stop.
    if (not_its_job) (void)ctx_.send(sender, cancel_inference{chunk.request_id});
    return;
  }
  job& j = found->second;
  const auto now = steady_now();
  if (worker_entry* worker = registry_.find(j.worker_id)) worker->last_progress = now;
  if (!j.first_token_seen) {
    j.first_token_seen = true;
    // Only streams send their first token at once; a whole-answer job's first chunk comes later.
    if (j.request.stream) registry_.note_first_token(j.worker_id, elapsed_ms(j.dispatched_at, now));
  }
  j.streamed.insert(j.streamed.end(), chunk.tokens.begin(), chunk.tokens.end());
  forwarded_.forwarded(chunk);
  (void)ctx_.send(j.request.reply_to, chunk);
  if (!chunk.finish_reason.empty()) {
    release(j);
    ++counters_.completed;
    ++counters_.models[j.request.model].completed;
    prices_.cleared(j.request.model, {chunk.prompt_token_count, j.streamed.size(), j.price.price_prompt_micro,
                                      j.price.price_completion_micro});
    audits_.finished(j.request, chunk.worker_id, ctx_.now_ms());  // release() cleared j.worker_id
    audit_segments(j.request, forwarded_.finished(chunk.request_id, ctx_.now_ms(), true));
    jobs_.erase(found);
    vouched_.finished(chunk.request_id);
    // A slot came free: the oldest waiting jobs take it now, not at the next tick (up to tick_ms
    // later: measured as a bimodal p50 in bench/http_bench).
    if (!queue_.empty()) route_waiting(false);
  }
}

void matchmaker_state::on_worker_failure(const inference_failed& failure, const envelope& in) {
  auto found = jobs_.find(failure.request_id);
  if (found == jobs_.end() || found->second.worker_id.empty()) return;
  const worker_entry* worker = registry_.find(found->second.worker_id);
  if (worker == nullptr || worker->address != in.sender) return;  // not from the job's current worker
  failover(failure.request_id, "worker reported: " + failure.message);
}

status matchmaker_state::on_receipt(const completion_receipt& receipt, const envelope& in) {
  IG_TRY(check_worker_sender(receipt.worker_id));
  if (auto verified = verify_receipt(receipt); !verified.ok()) {
    // A forged or missing signature binds nobody, so no validator can convict on it; it is counted,
    // dropped, and costs the reputation of the worker that sent it as a failed audit would.
    ++counters_.bad_receipts;
    const worker_entry* sender = registry_.find(receipt.worker_id);
    if (sender != nullptr && sender->address == in.sender) {
      reputation_.record_bad_receipt(receipt.worker_id, steady_now());
      refresh_reputation(receipt.worker_id, steady_now());
    }
    return verified;
  }
  // Paid only for what users received: the counts must match what was forwarded from this worker.
  if (auto matches = forwarded_.check(receipt); !matches.ok()) {
    ++counters_.refused_receipts;
    log(log_level::warn, ctx_.address(), "receipt not passed on: {}", matches.err().message);
    if (auto audit = audits_.audit_disputed(receipt)) {
      for (const std::string& validator : audits_.validators()) (void)ctx_.send(validator, *audit);
    }
    return matches;
  }
  ++counters_.receipts;
  if (auto audit = audits_.audit_for(receipt)) {  // remembered for trace; no validators, no audit
    for (const std::string& validator : audits_.validators()) (void)ctx_.send(validator, *audit);
  }
  if (config_.receipts_to.empty()) return {};
  vouched_jobs::settlement pending{forwarded_.earlier_claims(receipt), receipt};
  // Paid once the bridge that submitted it says it received the job to the end (vouched_jobs.hpp).
  if (vouched_.watches(receipt.request_id)) {
    journal_parked(&pending, receipt.request_id);  // a repeated receipt replaces the parked one
    vouched_.park(std::move(pending));
    return {};
  }
  settle(std::move(pending));
  return {};
}

void matchmaker_state::settle(vouched_jobs::settlement&& vouched) {
  // After a failover the earlier workers are paid for their streamed tokens first (their last
  // signed chunk claims), then the receipt ends the escrow: queued under the request id in that
  // order, each sent when settlement answered the one before.
  for (const settle_receipt& earlier : vouched.earlier_claims) {
    ++counters_.partial_claims;
    owe_settlement<settle_reply>(earlier, "partial claim of " + earlier.miner.substr(0, 12));
  }
  owe_settlement<settle_reply>(vouched.receipt, "receipt of " + vouched.receipt.worker_id.substr(0, 12));
  release_parked(vouched.receipt.request_id);
}

void matchmaker_state::settle_lost(vouched_jobs::lost_job&& lost, bool stopping) {
  ++counters_.lost_by_submitter;
  const std::string& id = lost.request_id;
  if (auto found = jobs_.find(id); found != jobs_.end()) drop_job(found, true);
  std::int64_t delivered = 0;
  for (const settle_receipt& claim : lost.delivered_claims) delivered += claim.completion_tokens;
  if (!config_.receipts_to.empty()) {
    const refund_request refund = refund_for(id, "its submitter was lost: " + lost.why);
    for (const settle_receipt& claim : lost.delivered_claims) {
      if (stopping) {
        last_word(claim);
      } else {
        owe_settlement<settle_reply>(claim, "delivered claim of " + claim.miner.substr(0, 12));
      }
    }
    if (stopping) {
      last_word(refund);
    } else {
      owe_settlement<ledger_ack>(refund, "refund");
    }
    release_parked(id);
  }
  // Logged once what is owed instead is journaled (an owed_journal's writes may sync): a kill after
  // this line finds the claims and refund owed, not the parked receipt.
  log(log_level::warn, ctx_.address(), "request {} lost by its submitter ({}): {} delivered token(s) paid, the rest refunded",
      id, lost.why, delivered);
}

void matchmaker_state::journal_parked(const vouched_jobs::settlement* parked, const std::string& request_id) {
  if (!journal_) return;
  const std::string& id = request_id;
  // Written before the entries they replace are marked answered: a kill between owes both, and
  // settlement takes whichever reaches the escrow first.
  const std::vector<std::uint64_t> replaced = std::exchange(parked_journal_[id], {});
  std::vector<std::uint64_t>& entries = parked_journal_[id];
  const auto add = [&](const auto& m) {
    auto journaled = journal_owed(journal_, id, m);
    if (!journaled.ok()) {
      log(log_level::error, ctx_.address(), "parked settlement of {} not journaled: {}", id, journaled.err().message);
    } else if (*journaled) {
      entries.push_back(**journaled);
    }
  };
  if (auto lost = vouched_.lost_if_stopped(id)) {
    for (const settle_receipt& claim : lost->delivered_claims) add(claim);
    add(refund_for(id, "its submitter was lost: " + lost->why));
  } else if (parked) {
    for (const settle_receipt& earlier : parked->earlier_claims) add(earlier);
    add(parked->receipt);
  }
  if (entries.empty()) parked_journal_.erase(id);
  mark_answered(id, replaced);
}

std::vector<std::string> matchmaker_state::disown(const std::vector<std::string>& request_ids, const std::string& submitter) {
  std::vector<std::string> unknown;
  std::set<std::string> journaled_unqueued;  // owed in the journal but not queued (too many waited)
  if (journal_ && counters_.unsent_settlements > 0 && !request_ids.empty()) {
    for (const owed_request& owed : journal_->owed()) journaled_unqueued.insert(owed.key);
  }
  for (const std::string& id : request_ids) {
    if (auto lost = vouched_.disowned(submitter, id)) {
      settle_lost(std::move(*lost));
      continue;
    }
    if (may_still_settle(id) || journaled_unqueued.contains(id)) continue;
    forwarded_.forget(id);  // a job that failed here: a late receipt of it is refused from now on
    disowned_.add(id);
    unknown.push_back(id);
  }
  if (!unknown.empty()) {
    log(log_level::info, ctx_.address(),
        "{} request(s) that {} no longer holds (it restarted) were never here or owe nothing here: refused from now "
        "on, their escrows are its to refund",
        unknown.size(), submitter);
  }
  return unknown;
}

bool matchmaker_state::may_still_settle(const std::string& request_id) const {
  return jobs_.contains(request_id) || vouched_.watches(request_id) || settlement_owed_.holds(request_id) ||
         replayed_.contains(request_id) ||
         parked_journal_.contains(request_id) ||
         (forwarded_.knows(request_id) && !failed_to_submitter_.contains(request_id));
}

void matchmaker_state::release_parked(const std::string& request_id) {
  auto found = parked_journal_.find(request_id);
  if (found == parked_journal_.end()) return;
  mark_answered(request_id, found->second);
  parked_journal_.erase(found);
}

void matchmaker_state::mark_answered(const std::string& request_id, const std::vector<std::uint64_t>& entries) {
  for (const std::uint64_t entry : entries) {
    if (auto written = journal_->answered(entry); !written.ok()) {
      log(log_level::error, ctx_.address(), "parked settlement of {}: release not journaled: {}", request_id,
          written.err().message);
    }
  }
}

template <class Reply, class Claim>
void matchmaker_state::owe_settlement(const Claim& claim, std::string what, std::optional<std::uint64_t> journaled) {
  const std::string& request_id = claim.request_id;
  if (!journaled) {
    auto id = journal_owed(journal_, request_id, claim);
    if (id.ok()) {
      journaled = *id;
    } else {  // still sent and retried, as without a journal; only a crash would lose it now
      log(log_level::error, ctx_.address(), "{} for {} not journaled: {}", what, request_id, id.err().message);
    }
  }
  auto send = request_attempt<Reply>(ctx_, config_.receipts_to, claim, config_.dispatch_timeout_ms);
  auto done = [this, request_id, what, journaled](const status& outcome) {
    if (journaled && journal_) {
      if (auto written = journal_->answered(*journaled); !written.ok()) {
        log(log_level::error, ctx_.address(), "{} for {}: answer not journaled: {}", what, request_id, written.err().message);
      }
    }
    if (outcome.ok()) return;
    // No escrow: a request not billed through settlement (the gateway's); a conflict: the escrow
    // ended before (a refund, another worker's receipt).
    const bool expected = outcome.err().code == error_code::not_found || outcome.err().code == error_code::conflict;
    log(expected ? log_level::debug : log_level::warn, ctx_.address(), "{} for {} not paid: {}", what, request_id,
        outcome.err().message);
  };
  // Not queued (too many wait already): a journaled one stays in the journal, sent at the next start.
  if (auto queued = settlement_owed_.add(request_id, std::move(send), std::move(done)); !queued.ok()) {
    ++counters_.unsent_settlements;
    log(log_level::error, ctx_.address(), "{} for {} dropped unsent: {}", what, request_id, queued.err().message);
  }
}

void matchmaker_state::audit_segments(const inference_request& request, std::vector<claimed_segment> segments) {
  if (segments.empty()) return;
  counters_.segment_audits += segments.size();
  for (const audit_request& audit : audits_.segments_ended(request, std::move(segments), ctx_.now_ms())) {
    for (const std::string& validator : audits_.validators()) (void)ctx_.send(validator, audit);
  }
}

status matchmaker_state::on_verdict(const audit_verdict& verdict, const envelope& in) {
  if (!audits_.from_validator(in.sender)) {
    return make_error(error_code::invalid_argument, "audit verdicts are taken from the configured validators only, not " + in.sender);
  }
  IG_TRY(validator::verify_audit_verdict(verdict));
  ++counters_.audit_verdicts;
  audits_.note_verdict(verdict);
  const auto now = steady_now();
  if (!verdict.guilty) {
    reputation_.record_pass(verdict.miner, now);
  } else {
    if (auto again = audits_.escalate(verdict.request_id, verdict.miner)) {
      for (const std::string& other : audits_.validators()) {
        if (!audits_.is_validator(in.sender, other)) (void)ctx_.send(other, *again);
      }
    }
  }
  if (verdict.guilty && reputation_.record_failure(verdict.miner, verdict.request_id, verdict.validator, now)) {
    ++counters_.convictions;
    log(log_level::warn, ctx_.address(), "miner {} convicted on {} ({}): routed around", verdict.miner.substr(0, 12),
        verdict.request_id, verdict.reason);
  }
  refresh_reputation(verdict.miner, now);
  return {};
}

void matchmaker_state::refresh_reputation(const std::string& worker_id, clock::time_point now) {
  if (worker_entry* worker = registry_.find(worker_id)) worker->reputation_permille = reputation_.permille(worker_id, now);
}

void matchmaker_state::judge_silent_submitters(bool stopping) {
  // Not running for a while (a paused process): the submitters' silence was this process's own.
  const bool paused = last_tick_ != clock::time_point{} && steady_now() - last_tick_ > milliseconds(config_.submitter_lost_ms / 2);
  if (paused) vouched_.resumed(ctx_.steady_ms());
  auto silence = vouched_.silent(ctx_.steady_ms());
  for (vouched_jobs::lost_job& lost : silence.lost) settle_lost(std::move(lost), stopping);
  if (stopping) return;  // the awaited jobs are settled as lost next (take_awaited)
  for (const vouched_jobs::awaited_job& awaited : silence.awaited) {
    journal_parked(nullptr, awaited.request_id);  // as it would settle if this process died now
    log(log_level::warn, ctx_.address(),
        "request {} finished but {}: its receipt waits for the word that it was delivered until the request's "
        "deadline, in {} ms",
        awaited.request_id, awaited.why, awaited.deadline_ms - ctx_.steady_ms());
  }
}

void matchmaker_state::tick() {
  const auto now = steady_now();
  const auto since_last = last_tick_ != clock::time_point{} ? now - last_tick_ : milliseconds(config_.tick_ms);
  registry_.fade_latencies(since_last);
  judge_silent_submitters(false);
  last_tick_ = now;
  for (const auto& [id, worker] : registry_.all()) refresh_reputation(id, now);
  for (const auto& id : registry_.silent_workers(now, milliseconds(config_.heartbeat_timeout_ms))) {
    evict(id, "missed heartbeats for " + std::to_string(config_.heartbeat_timeout_ms) + " ms");
  }
  std::vector<std::string> stalled;
  for (const auto& [id, worker] : registry_.all()) {
    if (worker.assigned > 0 && now - worker.last_progress > milliseconds(config_.stall_timeout_ms)) stalled.push_back(id);
  }
  for (const auto& id : stalled) {
    if (worker_entry* worker = registry_.find(id)) ++worker->stalls;
    evict(id, "no chunk for " + std::to_string(config_.stall_timeout_ms) + " ms");
  }
  std::vector<std::string> expired;
  std::vector<std::string> orphaned;
  for (const auto& [id, j] : jobs_) {
    if (now >= j.deadline) expired.push_back(id);
    else if (j.orphaned_since && j.worker_id.empty() && now - *j.orphaned_since >= milliseconds(config_.orphan_wait_ms)) {
      orphaned.push_back(id);
    }
  }
  for (const auto& id : expired) {
    finish_failed(id, make_error(error_code::timeout, "request " + id + " passed its deadline"), true);
  }
  for (const auto& id : orphaned) {
    finish_failed(id, make_error(error_code::unavailable, "request " + id + " lost its worker after " +
                                                              std::to_string(jobs_[id].streamed.size()) +
                                                              " tokens, and no other worker serves model " +
                                                              jobs_[id].request.model + " (waited " +
                                                              std::to_string(config_.orphan_wait_ms) + " ms)"));
  }
  // Retry the waiting jobs, oldest first, on every worker again.
  route_waiting(true);
  std::uint64_t running = 0;
  std::uint64_t slots = 0;
  for (const auto& [id, worker] : registry_.all()) {
    running += std::min(worker.assigned, worker.slots);
    slots += worker.slots;
  }
  meter_.sample(ctx_.now_ms(), running, slots,
                static_cast<std::uint64_t>(std::max<std::int64_t>(1, std::chrono::duration_cast<milliseconds>(since_last).count())));
}

void matchmaker_state::route_waiting(bool forget_tried) {
  std::deque<std::string> waiting;
  waiting.swap(queue_);
  for (const auto& id : waiting) {
    auto found = jobs_.find(id);
    if (found == jobs_.end() || !found->second.worker_id.empty()) continue;
    if (forget_tried) found->second.tried.clear();
    route(id);
  }
}

status matchmaker_state::check_worker_sender(const std::string& worker_id) const {
  if (ctx_.sent_by(worker_id)) return {};
  return make_error(error_code::permission_denied, "a message about worker " + worker_id.substr(0, 16) +
                                                       "… signed by another key (" + ctx_.sender_key().substr(0, 16) + "…)");
}

result<worker_registered> matchmaker_state::admit_worker(const worker_register& hello) {
  IG_TRY(registry_.upsert(hello, config_.max_workers, steady_now()));
  refresh_reputation(hello.worker_id, steady_now());
  for (const auto& id : std::deque<std::string>(queue_)) route(id);
  return worker_registered{hello.worker_id, config_.heartbeat_interval_ms};
}

void matchmaker_state::register_after_stake_check(const worker_register& hello) {
  const reply_token token = ctx_.reply_later();
  ctx_.request<stake_reply>(config_.stake_from, stake_query{hello.worker_id}, config_.dispatch_timeout_ms,
                            [this, token, hello](result<stake_reply> stake) {
                              if (!stake.ok()) return (void)ctx_.reply_error(token, stake.err());
                              if (!stake->schedulable || static_cast<std::uint64_t>(stake->staked_micro) < config_.min_stake_micro) {
                                ++counters_.unstaked_refusals;
                                return (void)ctx_.reply_error(
                                    token, make_error(error_code::insufficient_funds,
                                                      "worker " + hello.worker_id + " has " + std::to_string(stake->staked_micro) +
                                                          " micro staked in the ledger; the stake gate asks " +
                                                          std::to_string(config_.min_stake_micro) +
                                                          (stake->schedulable ? "" : " and the ledger its miner_stake_min_micro")));
                              }
                              auto admitted = admit_worker(hello);
                              if (!admitted.ok()) return (void)ctx_.reply_error(token, admitted.err());
                              (void)ctx_.reply(token, *admitted);
                            });
}

handler_table matchmaker_state::handlers() {
  return {
      on<inference_request>([this](const inference_request& request, const envelope& in) { submit(request, in); }),
      on<cancel_inference>([this](const cancel_inference& cancel, const envelope& in) -> status {
        auto found = jobs_.find(cancel.request_id);
        if (found == jobs_.end()) return {};
        if (in.sender != found->second.submitted_by) {
          return make_error(error_code::permission_denied, in.sender + " cannot cancel " + cancel.request_id +
                                                               ", which " + found->second.submitted_by + " submitted");
        }
        drop_job(found, true);
        vouched_.forget(cancel.request_id);  // the submitter settles what it cancelled
        release_parked(cancel.request_id);
        if (!queue_.empty()) route_waiting(false);
        return {};
      }),
      on<token_chunk>([this](const token_chunk& chunk, const envelope& in) -> status {
        IG_TRY(check_worker_sender(chunk.worker_id));
        on_chunk(chunk, in.sender);
        return {};
      }),
      on<held_requests_query>([this](const held_requests_query& q, const envelope& in) -> result<held_requests_reply> {
        if (q.request_ids.size() > held_requests_query::max_ids || q.forgotten_ids.size() > held_requests_query::max_ids) {
          return make_error(error_code::too_large, std::to_string(q.request_ids.size()) + " request ids and " +
                                                       std::to_string(q.forgotten_ids.size()) +
                                                       " forgotten ids in one query; at most " +
                                                       std::to_string(held_requests_query::max_ids) + " each");
        }
        held_requests_reply out;
        for (const std::string& id : q.request_ids) {
          auto found = jobs_.find(id);
          if (found == jobs_.end() || found->second.submitted_by != in.sender) out.lost_ids.push_back(id);
          if (found == jobs_.end()) replayed_named(id, false);
        }
        for (const std::string& id : q.delivered_ids) replayed_named(id, true);
        auto settled = vouched_.on_query(in.sender, q, ctx_.steady_ms(),
                                         [this](const std::string& id) { return forwarded_.claims_of(id); });
        for (vouched_jobs::settlement& vouched : settled.vouched) settle(std::move(vouched));
        for (vouched_jobs::lost_job& lost : settled.lost) settle_lost(std::move(lost));
        out.unknown_ids = disown(q.forgotten_ids, in.sender);
        return out;
      }),
      on<inference_failed>([this](const inference_failed& failure, const envelope& in) { on_worker_failure(failure, in); }),
      on<completion_receipt>(
          [this](const completion_receipt& receipt, const envelope& in) -> status { return on_receipt(receipt, in); }),
      on<audit_verdict>([this](const audit_verdict& verdict, const envelope& in) -> status { return on_verdict(verdict, in); }),
      // A lookup of a request it does not remember is an answer (not_found), not a handler error:
      // replied directly, so infergrid_actor_errors_total does not count a typo in `infergrid trace`.
      on<trace_query>([this](const trace_query& q) {
        const reply_token token = ctx_.reply_later();
        auto report = audits_.trace(q.request_id);
        if (!report) {
          (void)ctx_.reply_error(token, make_error(error_code::not_found, "the matchmaker does not remember request " +
                                                                             q.request_id +
                                                                             " (unknown, unfinished, or older than audit_memory)"));
          return;
        }
        (void)ctx_.reply(token, *report);
      }),
      on<worker_register>([this](const worker_register& hello, const envelope& in) {
        const reply_token token = ctx_.reply_later();
        auto refuse = [&](const error& why) {
          ctx_.note_error(why);
          (void)ctx_.reply_error(token, why);
        };
        if (auto own = check_worker_sender(hello.worker_id); !own.ok()) return refuse(own.err());
        // Jobs go to the registering actor itself, never to an address it names for someone else.
        if (in.signature && hello.address != in.sender) {
          return refuse(make_error(error_code::permission_denied, "worker registers address " + hello.address +
                                                                      " but sends from " + in.sender));
        }
        // A worker from another node is scheduled only once the ledger confirms its stake; one in
        // this process is the operator's own and states its stake in its settings.
        if (in.signature && config_.min_stake_micro > 0 && !config_.stake_from.empty()) {
          return register_after_stake_check(hello);
        }
        if (hello.stake_micro < config_.min_stake_micro) {
          return refuse(make_error(error_code::insufficient_funds, "worker " + hello.worker_id + " has stake " +
                                                                       std::to_string(hello.stake_micro) + ", the gate asks " +
                                                                       std::to_string(config_.min_stake_micro)));
        }
        auto admitted = admit_worker(hello);
        if (!admitted.ok()) return refuse(admitted.err());
        (void)ctx_.reply(token, *admitted);
      }),
      on<worker_heartbeat>([this](const worker_heartbeat& beat) -> result<worker_registered> {
        IG_TRY(check_worker_sender(beat.worker_id));
        IG_TRY(registry_.heartbeat(beat, steady_now()));
        return worker_registered{beat.worker_id, config_.heartbeat_interval_ms};
      }),
      on<worker_leave>([this](const worker_leave& bye) -> status {
        IG_TRY(check_worker_sender(bye.worker_id));
        evict(bye.worker_id, "it left");
        return {};
      }),
      on<supply_request>([this](const supply_request& ask) -> result<supply_report> { return supply(ask.model); }),
      on<demand_window_query>(
          [this](const demand_window_query& window) -> result<demand_window_report> { return demand_window(window); }),
      on<grid_view_query>([this](const grid_view_query& ask) -> result<grid_view_report> {
        if (ask.recent_jobs > grid_view_recent_jobs_max) {
          return make_error(error_code::invalid_argument,
                            "recent_jobs is at most " + std::to_string(grid_view_recent_jobs_max));
        }
        return grid_view(ask.recent_jobs);
      }),
  };
}

IG_REGISTER_ACTOR_KIND("matchmaker", matchmaker_state);

}  // namespace infergrid::matchmaker

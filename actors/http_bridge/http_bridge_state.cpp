#include "actors/http_bridge/http_bridge_state.hpp"

#include <algorithm>
#include <set>
#include <vector>

#include "actors/http_bridge/access_log.hpp"
#include "actors/http_bridge/bridge_escrow.hpp"
#include "actors/http_bridge/upstream_request.hpp"
#include "actors/settlement/request_op_ids.hpp"
#include "messages/match.hpp"
#include "runtime/actor_kind_registry.hpp"
#include "runtime/actor_runner.hpp"
#include "runtime/log.hpp"

namespace infergrid::http {
namespace {

// Commands taken from the inbox per drain, so a flood cannot starve the actor's messages.
constexpr std::size_t drain_batch = 256;
// How often jobs are checked against their deadlines and the node's counters copied for /metrics.
constexpr std::int64_t housekeeping_interval_ms = 500;
// The actor's own deadline lags the matchmaker's, which should fail the job first.
constexpr std::chrono::milliseconds deadline_grace{1000};

api_error as_api_error(std::uint16_t code, const std::string& message) {
  return upstream_failure(make_error(static_cast<error_code>(code), message));
}

// The refund of an escrow whose answer the bridge never took: asked for and timed out, or the bridge
// stopped or was killed first (journaled before the escrow is asked for). One message for all three,
// so whichever of them reach settlement are one ledger operation (op id refund/<request_id>).
refund_request unconfirmed_escrow_refund(const std::string& request_id) {
  return refund_for(request_id, "its escrow was not confirmed to the bridge in time");
}

}  // namespace

result<std::unique_ptr<http_bridge_state>> http_bridge_state::create(actor_context& ctx, const settings& config) {
  auto parsed = parse_http_bridge_config(config);
  if (!parsed.ok()) return parsed.err();
  auto accounts = account_book::load_file(parsed->keys_file);
  if (!accounts.ok()) return make_error(accounts.err().code, config.where("keys_file") + ": " + accounts.err().message);
  std::map<std::string, model_facts> facts;
  for (const auto& [model, path] : parsed->model_files) {
    auto read = read_model_facts(path);
    if (!read.ok()) return make_error(read.err().code, config.where("model_files") + ": " + model + ": " + read.err().message);
    facts[model] = *read;
  }
  auto shared = std::make_unique<bridge_shared>(std::move(*parsed), std::move(accounts).value());
  shared->catalog.set_facts(std::move(facts));
  // `owed_journal` (http.md): a file keeping the claims and refunds this bridge owes settlement, and
  // the deliveries it vouches for to the matchmaker, until they are answered (runtime/owed_journal.hpp),
  // so a bridge killed meanwhile sends them again when it starts; "" = memory only. Read here, not in
  // http_bridge_config: only the actor's thread uses it (the HTTP threads never see it).
  std::string journal_path;
  IG_TRY(read_setting(config, "owed_journal", journal_path));
  owed_journal_settings journal_settings;
  IG_TRY(read_setting(config, "owed_journal_sync", journal_settings.sync));
  std::optional<owed_journal> journal;
  if (!journal_path.empty()) {
    auto opened = owed_journal::open(journal_path, ctx.address(), journal_settings);
    if (!opened.ok()) return make_error(opened.err().code, config.where("owed_journal") + ": " + opened.err().message);
    journal.emplace(std::move(*opened));
  }
  auto state = std::make_unique<http_bridge_state>(ctx, std::move(shared));
  state->journal_ = std::move(journal);
  IG_TRY(state->server_->start());
  return state;
}

http_bridge_state::http_bridge_state(actor_context& ctx, std::unique_ptr<bridge_shared> shared)
    : ctx_(ctx), shared_(std::move(shared)), server_(std::make_unique<http_server>(*shared_)),
      dashboard_(ctx, *shared_), keys_watch_(shared_->config.keys_file),
      settlement_owed_(retried_requests_settings{shared_->config.settlement_retry_ms}, [&ctx] { return ctx.steady_ms(); },
                       [this](const std::string& request_id, const error& why, std::uint32_t tries) {
                         log(tries == 1 ? log_level::warn : log_level::debug, ctx_.address(),
                             "settlement did not take the claims and refund of {} ({}): sent again every {} ms until it does",
                             request_id, why.message, shared_->config.settlement_retry_ms);
                       }),
      seeds_(std::random_device{}()) {
  shared_->inbox.set_waker(ctx_.waker());
  shared_->dashboard.set_waker(ctx_.waker());
}

http_bridge_state::~http_bridge_state() {
  shared_->closing.store(true);
  const api_error stopping{503, "The bridge is shutting down.", "api_error", "", "unavailable"};
  for (auto& command : shared_->inbox.take(SIZE_MAX)) {
    if (command.what == bridge_command::kind::submit) command.job->push({job_event::kind::failed, "", 0, "", "", 0, stopping});
  }
  // Its last word on the jobs it received whole, so the matchmaker pays their receipts instead of
  // settling them as lost (actors/matchmaker/vouched_jobs.hpp); names_all false: it loses nothing.
  if (!delivered_unreported_.empty()) {
    held_requests_query last_word;
    last_word.delivered_ids = delivered_ids(held_requests_query::max_ids);
    (void)ctx_.send(shared_->config.matchmaker, last_word);
  }
  for (auto& [id, job] : jobs_) {
    job.stream->push({job_event::kind::failed, "", 0, "", "", 0, stopping});
    (void)ctx_.send(shared_->config.matchmaker, cancel_inference{id});
    if (!job.escrowed && !job.payer.empty()) refund_unanswered_escrow(id, job.escrow_refund_journaled, true);
    settle_delivered(id, job, "the bridge stopped", true);
    job_left(job, id);
  }
  jobs_.clear();
  server_->stop();  // waits for the HTTP threads, which now all end promptly
  flush_batched_log();  // their last access lines
}

void http_bridge_state::on_start() {
  ctx_.every(shared_->config.poll_interval_ms, [this] {
    if (shared_->inbox.pending()) drain_inbox();
  });
  drain_inbox();  // after a restart: what queued while the actor was down
  ctx_.every(shared_->config.models_refresh_ms, [this] { refresh_models(); });
  matchmaker_heard_steady_ms_ = ctx_.steady_ms();
  ctx_.every(shared_->config.matchmaker_check_ms, [this] { check_matchmaker_holds(); });
  ctx_.every(shared_->config.keys_reload_ms, [this] { reload_keys(); });
  ctx_.every(access_log_flush_ms, [] { flush_batched_log(); });
  if (!shared_->config.settlement.empty()) {
    ctx_.every(shared_->config.settlement_retry_ms, [this] { settlement_owed_.retry_due(); });
  }
  owe_journaled();
  ctx_.every(housekeeping_interval_ms, [this] {
    expire_jobs();
    shared_->set_actor_metrics(ctx_.node_metrics());
  });
  // Not ctx_.node_metrics() here: the node holds its actor list while this actor starts.
  refresh_models();
  dashboard_.start();
}

handler_table http_bridge_state::handlers() {
  return {
      on<token_chunk>([this](const token_chunk& chunk) { on_chunk(chunk); }),
      on<inference_failed>([this](const inference_failed& failure) { on_failed(failure); }),
  };
}

void http_bridge_state::on_wake() {
  drain_inbox();
  dashboard_.answer_lookups();
  // More than one batch waiting: take the rest after whatever else is in the actor's inbox.
  if (shared_->inbox.pending()) ctx_.waker().wake();
}

void http_bridge_state::drain_inbox() {
  for (auto& command : shared_->inbox.take(drain_batch)) {
    if (command.what == bridge_command::kind::cancel) {
      cancel(command.job->request_id());
    } else {
      submit(command);
    }
  }
  publish_counts();
}

void http_bridge_state::submit(bridge_command& command) {
  const std::string& id = command.job->request_id();
  if (command.job->abandoned()) return;  // the client left while it queued
  if (jobs_.size() >= shared_->config.max_jobs_in_flight) {
    command.job->push({job_event::kind::failed, "", 0, "", "", 0,
                       overloaded("Too many jobs in flight on this bridge; retry shortly.", shared_->config.retry_after_s)});
    return;
  }
  // Both deadlines on the node's clock through the context: the matchmaker's (time of day) and the
  // bridge's own, with a grace for the matchmaker's failure to arrive first (steady).
  auto request = to_inference_request(command.request, id, std::move(command.prompt), ctx_.address(),
                                      ctx_.now_ms() + shared_->config.request_timeout_ms, seeds_(), command.caps);
  // The bridge vouches for delivery: it names each job it received to the end (lost_jobs.cpp).
  request.submitter_check_ms = shared_->config.matchmaker_check_ms;
  jobs_[id] = job_entry{command.job, 0, ctx_.steady_ms() + shared_->config.request_timeout_ms + deadline_grace.count(),
                        command.payer, false,
                        command.request.stream, {}};
  if (!command.payer.empty()) return open_escrow(id, command.max_cost_micro, command.caps, std::move(request));
  dispatch(request);
}

// Settlement mode: the job runs only once the ledger holds its maximum cost.
void http_bridge_state::open_escrow(const std::string& request_id, std::int64_t max_cost_micro, const job_price& caps,
                                    inference_request request) {
  job_entry& job = jobs_.at(request_id);
  const std::string payer = job.payer;
  // Journaled before it is asked for: a bridge killed before it dispatches the job refunds the
  // escrow when it starts again (a refund of an escrow never recorded changes nothing).
  auto journaled = journal_owed(journal_, request_id, unconfirmed_escrow_refund(request_id));
  if (!journaled.ok()) log(log_level::error, ctx_.address(), "escrow refund for {} not journaled: {}", request_id, journaled.err().message);
  const std::optional<std::uint64_t> refund_journaled = journaled.ok() ? *journaled : std::nullopt;
  job.escrow_refund_journaled = refund_journaled;
  ctx_.request<escrow_reply>(
      shared_->config.settlement,
      escrow_for(shared_->config, request_id, payer, max_cost_micro, caps, ctx_.now_ms()),
      shared_->config.settlement_timeout_ms,
      [this, request_id, payer, refund_journaled, request = std::move(request)](result<escrow_reply> held) {
        // A timeout sends the journaled refund; otherwise the entry is done once what replaces it
        // (a refund of its own, or nothing: refused, or the job dispatched) is journaled.
        const bool timed_out = !held.ok() && held.err().code == error_code::timeout;
        if (timed_out) refund_unanswered_escrow(request_id, refund_journaled);
        auto found = jobs_.find(request_id);
        if (found == jobs_.end()) {  // cancelled or expired while the escrow was asked for
          if (held.ok()) settle_delivered(request_id, job_entry{nullptr, 0, {}, payer, true, false, {}}, "cancelled before it ran");
          if (!timed_out) journal_answered(refund_journaled, request_id);
          return;
        }
        // The job about to be dispatched is journaled first, then the refund marked answered: a job
        // that may run is refunded after a restart only if the matchmaker says it never got it
        // (forgotten_jobs.cpp).
        if (held.ok()) {
          found->second.escrowed = true;
          journal_dispatched(found->second, request_id);
        }
        if (!timed_out) journal_answered(refund_journaled, request_id);
        found->second.escrow_refund_journaled.reset();
        if (!held.ok()) {
          found->second.stream->push(
              {job_event::kind::failed, "", 0, "", "", 0, escrow_refusal(shared_->config, payer, held.err())});
          jobs_.erase(found);
          publish_counts();
          return;
        }
        dispatch(request);
      });
}

void http_bridge_state::dispatch(const inference_request& request) {
  if (auto sent = ctx_.send(shared_->config.matchmaker, request); !sent.ok()) {
    fail_job(request.request_id,
             api_error{503, "The matchmaker cannot be reached: " + sent.err().message, "api_error", "", "unavailable"},
             false);
    return;
  }
  if (auto found = jobs_.find(request.request_id); found != jobs_.end()) found->second.dispatched = true;
}

// The worker signs no receipt for a failed or cancelled job: each worker's last chunk claim pays it
// for what a streaming client received, and the rest goes back. If a receipt settled the escrow
// first, the ledger answers `conflict` and nothing moves twice.
void http_bridge_state::settle_delivered(const std::string& request_id, const job_entry& job, std::string reason,
                                         bool stopping) {
  if (!job.escrowed) return;
  // Answers are awaited (to log a refusal) unless the actor is stopping: nothing would take them.
  const auto log_refusal = [this, request_id](const char* what, const error& why) {
    log(why.code == error_code::conflict ? log_level::debug : log_level::warn, ctx_.address(), "{} of {}: {}", what,
        request_id, why.message);
  };
  // A whole answer that failed delivered nothing: the client pays only for tokens it was streamed.
  const std::vector<settle_receipt> nothing;
  for (const settle_receipt& claim : job.client_streams ? job.delivered.claims() : nothing) {
    if (stopping) {
      send_last_word(claim);
      continue;
    }
    owe_settlement<settle_reply>(claim, [log_refusal](const status& paid) {
      if (!paid.ok()) log_refusal("partial settlement", paid.err());
    });
  }
  send_refund(request_id, std::move(reason), stopping, [log_refusal](const status& ack) {
    if (!ack.ok()) log_refusal("refund", ack.err());
  });
}

void http_bridge_state::refund_unanswered_escrow(const std::string& request_id, std::optional<std::uint64_t> journaled,
                                                 bool stopping) {
  const refund_request refund = unconfirmed_escrow_refund(request_id);
  send_refund(request_id, refund.reason, stopping,
              [this, request_id](const status& ack) {
                if (ack.ok()) {
                  log(log_level::info, ctx_.address(), "refunded {}: its escrow was recorded after the bridge stopped waiting",
                      request_id);
                } else {
                  log(log_level::debug, ctx_.address(), "refund of unanswered escrow {}: {}", request_id, ack.err().message);
                }
              },
              journaled);
}

void http_bridge_state::send_refund(const std::string& request_id, std::string reason, bool stopping,
                                    std::function<void(const status&)> answered, std::optional<std::uint64_t> journaled) {
  const refund_request refund = refund_for(request_id, std::move(reason));
  if (stopping) return send_last_word(refund, journaled);
  owe_settlement<ledger_ack>(refund, std::move(answered), journaled);
}

template <class Reply, class M>
void http_bridge_state::owe_settlement(const M& m, std::function<void(const status&)> answered,
                                       std::optional<std::uint64_t> journaled) {
  if (!journaled) {
    auto id = journal_owed(journal_, m.request_id, m);
    if (!id.ok()) log(log_level::error, ctx_.address(), "settlement message for {} not journaled: {}", m.request_id, id.err().message);
    journaled = id.ok() ? *id : std::nullopt;
  }
  auto send = request_attempt<Reply>(ctx_, shared_->config.settlement, m, shared_->config.settlement_timeout_ms);
  auto done = [this, journaled, request_id = m.request_id, answered = std::move(answered)](const status& outcome) {
    journal_answered(journaled, request_id);
    if (answered) answered(outcome);
  };
  // Not queued (too many wait already): a journaled one stays in the journal, sent at the next start.
  if (auto queued = settlement_owed_.add(m.request_id, std::move(send), std::move(done)); !queued.ok()) {
    log(log_level::error, ctx_.address(), "settlement message for {} dropped unsent: {}", m.request_id, queued.err().message);
  }
}

template <class M>
void http_bridge_state::send_last_word(const M& m, std::optional<std::uint64_t> journaled) {
  if (journaled) {  // in the journal already: sent once, and again at the next start
    (void)ctx_.send(shared_->config.settlement, m);
    return;
  }
  if (auto written = infergrid::send_last_word(ctx_, journal_, shared_->config.settlement, m.request_id, m); !written.ok()) {
    log(log_level::error, ctx_.address(), "settlement message for {} not journaled: {}", m.request_id, written.err().message);
  }
}

void http_bridge_state::journal_answered(std::optional<std::uint64_t> journaled, const std::string& request_id) {
  if (!journaled || !journal_) return;
  if (auto written = journal_->answered(*journaled); !written.ok()) {
    log(log_level::error, ctx_.address(), "answer for {} not journaled: {}", request_id, written.err().message);
  }
}

void http_bridge_state::owe_journaled() {
  if (!journal_) return;
  if (const std::size_t owed = journal_->owed().size(); owed > 0) {
    log(log_level::info, ctx_.address(), "{} settlement message(s) and deliveries owed before a restart sent again (journal {})",
        owed, journal_->path());
  }
  const auto log_refusal = [this](const status& answer) {
    if (!answer.ok()) log(log_level::debug, ctx_.address(), "journaled settlement message: {}", answer.err().message);
  };
  // One row per kind of message the bridge journals: its claims and refunds, the deliveries it names.
  std::vector<owed_replay_row> rows = {
      owed_replay_as<held_requests_query>([this](const held_requests_query& word, std::uint64_t id) {
        for (const std::string& request_id : word.delivered_ids) delivered_unreported_.push_back({request_id, id});
        for (const std::string& request_id : word.forgotten_ids) forgotten_unasked_.push_back({request_id, id});
      }),
  };
  if (!shared_->config.settlement.empty()) {
    rows.push_back(owed_replay_as<settle_receipt>([this, log_refusal](const settle_receipt& m, std::uint64_t id) {
      owe_settlement<settle_reply>(m, log_refusal, id);
    }));
    rows.push_back(owed_replay_as<refund_request>([this, log_refusal](const refund_request& m, std::uint64_t id) {
      owe_settlement<ledger_ack>(m, log_refusal, id);
    }));
  }
  for (const std::string& dropped : replay_owed(*journal_, rows)) log(log_level::error, ctx_.address(), "{}", dropped);
  // A job named delivered is the matchmaker's to pay (or to lose): not asked about.
  std::set<std::string> delivered;
  for (const delivered_job& job : delivered_unreported_) delivered.insert(job.request_id);
  std::erase_if(forgotten_unasked_, [&](const forgotten_job& job) {
    if (!delivered.contains(job.request_id)) return false;
    journal_answered(job.journaled, job.request_id);
    return true;
  });
  if (!delivered_unreported_.empty() || !forgotten_unasked_.empty()) send_holds_query(std::nullopt);
}

void http_bridge_state::cancel(const std::string& request_id) {
  auto found = jobs_.find(request_id);
  if (found == jobs_.end()) return;
  settle_delivered(request_id, found->second, "cancelled by the client");
  job_left(found->second, request_id);
  jobs_.erase(found);
  (void)ctx_.send(shared_->config.matchmaker, cancel_inference{request_id});
}

void http_bridge_state::on_chunk(const token_chunk& chunk) {
  auto found = jobs_.find(chunk.request_id);
  if (found == jobs_.end()) return;  // cancelled or finished: a late chunk
  matchmaker_heard_steady_ms_ = ctx_.steady_ms();
  job_entry& job = found->second;
  if (chunk.index != job.received) return;  // duplicate or replayed after a failover
  job.received += static_cast<std::uint32_t>(chunk.tokens.size());
  job.delivered.add(chunk);
  const auto prompt_tokens = static_cast<std::int64_t>(chunk.prompt_token_count);
  if (!chunk.text.empty() || !chunk.tokens.empty()) {
    job.stream->push({job_event::kind::text, chunk.text, static_cast<std::int64_t>(chunk.tokens.size()), "",
                      chunk.worker_id, prompt_tokens, {}, chunk.logprobs, chunk.claim_price, {}, chunk.tokens});
  }
  if (!chunk.finish_reason.empty()) {
    job.stream->push({job_event::kind::finished, "", 0, openai_finish_reason(chunk.finish_reason), chunk.worker_id,
                      prompt_tokens, {}, {}, chunk.claim_price, chunk.embedding});
    const job_entry finished = std::move(found->second);
    jobs_.erase(found);
    publish_counts();
    report_delivered(chunk.request_id);  // journaled before the job's dispatch entry is marked answered
    job_left(finished, chunk.request_id);
  }
}

void http_bridge_state::on_failed(const inference_failed& failure) {
  auto found = jobs_.find(failure.request_id);
  if (found == jobs_.end()) return;
  found->second.stream->push({job_event::kind::failed, "", 0, "", "", 0, as_api_error(failure.code, failure.message)});
  settle_delivered(failure.request_id, found->second, "failed: " + failure.message);
  job_left(found->second, failure.request_id);
  jobs_.erase(found);
  publish_counts();
}

void http_bridge_state::fail_job(const std::string& request_id, const api_error& why, bool cancel_upstream) {
  auto found = jobs_.find(request_id);
  if (found == jobs_.end()) return;
  found->second.stream->push({job_event::kind::failed, "", 0, "", "", 0, why});
  settle_delivered(request_id, found->second, why.message);
  job_left(found->second, request_id);
  jobs_.erase(found);
  if (cancel_upstream) (void)ctx_.send(shared_->config.matchmaker, cancel_inference{request_id});
}

void http_bridge_state::expire_jobs() {
  const std::int64_t now_ms = ctx_.steady_ms();
  std::vector<std::string> expired;
  for (const auto& [id, job] : jobs_) {
    if (now_ms >= job.deadline_steady_ms || job.stream->abandoned()) expired.push_back(id);
  }
  for (const auto& id : expired) {
    fail_job(id, api_error{504, "The job did not finish in time.", "api_error", "", "timeout"}, true);
  }
  publish_counts();
}

void http_bridge_state::reload_keys() {
  if (!keys_watch_.changed()) return;
  auto fresh = account_book::load_file(shared_->config.keys_file);
  if (!fresh.ok()) {
    log(log_level::warn, ctx_.address(), "keys file not reloaded, the keys in force stay: {}", fresh.err().message);
    return;
  }
  const std::size_t keys = fresh->key_count();
  shared_->accounts.replace_keys(std::move(fresh).value());
  log(log_level::info, ctx_.address(), "keys file {} reloaded: {} live keys", shared_->config.keys_file, keys);
}

void http_bridge_state::refresh_models() {
  ctx_.request<supply_report>(shared_->config.matchmaker, supply_request{}, shared_->config.models_refresh_ms,
                              [this](result<supply_report> report) {
                                if (!report.ok()) {
                                  log(log_level::debug, ctx_.address(), "model list: {}", report.err().message);
                                  shared_->catalog.note_unreachable(report.err().message);
                                  return;
                                }
                                std::vector<served_model> models;
                                for (const auto& supply : report->models) {
                                  if (supply.workers == 0) continue;
                                  models.push_back({supply.model, shared_->config.owned_by, 0,
                                                    static_cast<std::int64_t>(supply.workers),
                                                    static_cast<std::int64_t>(supply.free_slots),
                                                    static_cast<std::int64_t>(supply.running),
                                                    static_cast<std::int64_t>(supply.queued),
                                                    static_cast<std::int64_t>(supply.utilisation_permille)});
                                  const auto as_int = [](std::uint64_t v) { return static_cast<std::int64_t>(v); };
                                  models.back().prices = {
                                      as_int(supply.ask_prompt.p10_micro), as_int(supply.ask_prompt.median_micro),
                                      as_int(supply.ask_prompt.p90_micro), as_int(supply.ask_completion.p10_micro),
                                      as_int(supply.ask_completion.median_micro), as_int(supply.ask_completion.p90_micro),
                                      as_int(supply.cleared_prompt_micro), as_int(supply.cleared_completion_micro),
                                      static_cast<std::int64_t>(supply.cleared_jobs)};
                                }
                                shared_->catalog.update_from_supply(std::move(models));
                              });
}

void http_bridge_state::publish_counts() { shared_->jobs_in_flight.store(static_cast<std::int64_t>(jobs_.size())); }

IG_REGISTER_ACTOR_KIND("http_bridge", http_bridge_state);

}  // namespace infergrid::http

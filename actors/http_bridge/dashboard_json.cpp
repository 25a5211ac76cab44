#include "actors/http_bridge/dashboard_json.hpp"

#include <map>

#include "actors/settlement/ledger/operation.hpp"
#include "runtime/identity.hpp"

namespace infergrid::http {
namespace {

using nlohmann::json;

// reached: the newest ask answered. age_ms: how old the newest view that did is (kept after a
// failed ask, so a reader can say how stale what it still shows is).
template <class Report>
json freshness(const dashboard_reading<Report>& reading) {
  json out = {{"reached", reading.report.has_value() && reading.error.empty()}, {"error", reading.error}};
  if (reading.report) {
    out["age_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - reading.arrived).count();
  }
  return out;
}

std::string hex(const std::vector<std::uint8_t>& bytes) { return to_hex(bytes); }

// "node/actor" -> "node" (a worker's address names the node that hosts it).
std::string node_of(const std::string& address) {
  const auto slash = address.find('/');
  return slash == std::string::npos ? "" : address.substr(0, slash);
}

const char* bucket_name(std::uint8_t bucket) {
  static const char* const names[] = {"balance", "staked", "unbonding", "escrowed"};
  return bucket < 4 ? names[bucket] : "unknown";
}

const char* account_kind_name(std::uint8_t kind) {
  return kind < ledger::account_kind_count ? ledger::account_kind_names[kind].data() : "unknown";
}

json model_names(const std::vector<model_offer>& offers) {
  json out = json::array();
  for (const auto& offer : offers) out.push_back(offer.name);
  return out;
}

double best_tokens_per_second(const worker_view& w) {
  double best = 0;
  for (const auto& offer : w.models) best = std::max(best, offer.tokens_per_second);
  return best;
}

json entry_json(const ledger_entry_summary& e) {
  json postings = json::array();
  for (const auto& p : e.postings) {
    postings.push_back({{"account", p.account}, {"bucket", bucket_name(p.bucket)}, {"delta_micro", p.delta_micro}});
  }
  return {{"seq", e.seq},         {"op_id", e.op_id},         {"cause_id", e.cause_id}, {"operation", e.operation},
          {"postings", postings}, {"convicted", e.convicted}, {"entry_hash", hex(e.entry_hash)}};
}

json job_json(const job_view& j) {
  std::string audit = "not audited";
  if (j.guilty_verdicts > 0) audit = "guilty";
  else if (j.verdicts > 0) audit = "innocent";
  return {{"request_id", j.request_id},       {"model", j.model},
          {"miner", j.worker_id},             {"finished_unix_ms", j.finished_unix_ms},
          {"receipt", j.receipt},             {"prompt_tokens", j.prompt_tokens},
          {"completion_tokens", j.completion_tokens}, {"finish_reason", j.finish_reason},
          {"verdicts", j.verdicts},           {"guilty_verdicts", j.guilty_verdicts},
          {"escalated", j.escalated},         {"audit", audit}};
}

}  // namespace

json network_json(const dashboard_reading<grid_view_report>& grid, const bridge_load& load) {
  json out = {{"matchmaker", freshness(grid)}};
  json totals = {{"bridge_queue_depth", load.queue_depth},
                 {"bridge_jobs_in_flight", load.jobs_in_flight},
                 {"tokens_per_second", load.tokens_per_second}};
  json nodes = json::array(), models = json::array();
  if (grid.report) {
    const grid_view_report& g = *grid.report;
    std::uint64_t slots = 0, free_slots = 0, running = 0;
    for (const auto& w : g.workers) {
      slots += w.slots;
      free_slots += w.free_slots;
      running += w.running;
      nodes.push_back({{"worker_id", w.worker_id},
                       {"node", node_of(w.address)},
                       {"address", w.address},
                       {"models", model_names(w.models)},
                       {"slots", w.slots},
                       {"free_slots", w.free_slots},
                       {"running", w.running},
                       {"queued", w.queued},
                       {"assigned", w.assigned},
                       {"tokens_generated", w.tokens_generated},
                       {"measured_tokens_per_second", best_tokens_per_second(w)},
                       {"first_token_ms", w.first_token_ms_measured},
                       {"last_seen_ms_ago", w.last_seen_ms_ago}});
    }
    for (const auto& m : g.models) {
      models.push_back({{"model", m.model},
                        {"workers", m.workers},
                        {"slots", m.slots},
                        {"free_slots", m.free_slots},
                        {"running", m.running},
                        {"queued", m.queued},
                        {"utilisation_permille", m.utilisation_permille},
                        {"completed", m.completed},
                        {"failovers", m.failovers},
                        {"min_price_completion_micro", m.min_price_completion_micro}});
    }
    totals.update({{"workers", g.workers.size()}, {"slots", slots}, {"free_slots", free_slots}, {"running", running},
                   {"queued", g.queued}, {"jobs_in_flight", g.jobs_in_flight}, {"completed", g.completed},
                   {"failed", g.failed}, {"failovers", g.failovers}, {"evictions", g.evictions},
                   {"receipts", g.receipts}, {"audit_verdicts", g.audit_verdicts}, {"convictions", g.convictions},
                   {"validators", g.validators}});
  }
  out["totals"] = totals;
  out["nodes"] = nodes;
  out["models"] = models;
  return out;
}

json series_json(const std::vector<series_point>& points) {
  json out = json::array();
  for (const auto& p : points) {
    out.push_back({{"unix_s", p.unix_s},
                   {"requests", p.requests},
                   {"errors", p.errors},
                   {"completion_tokens", p.completion_tokens},
                   {"latency_p50_ms", p.latency_p50_ms},
                   {"latency_p99_ms", p.latency_p99_ms},
                   {"first_token_p50_ms", p.first_token_p50_ms},
                   {"first_token_p99_ms", p.first_token_p99_ms}});
  }
  return {{"seconds", out}};
}

json jobs_json(const dashboard_reading<grid_view_report>& grid) {
  json jobs = json::array();
  if (grid.report) {
    for (const auto& j : grid.report->recent_jobs) jobs.push_back(job_json(j));
  }
  return {{"matchmaker", freshness(grid)}, {"jobs", jobs}};
}

namespace {

// Newest closed epoch first: each miner account paid in it, receipts + reward = earned.
json earnings_per_epoch_json(const std::vector<epoch_earnings_view>& epochs) {
  json out = json::array();
  for (const auto& e : epochs) {
    json miners = json::array();
    for (const auto& m : e.miners) {
      miners.push_back({{"miner", m.account},
                        {"receipts_micro", m.receipts_micro},
                        {"paid_receipts", m.paid_receipts},
                        {"rewards_micro", m.rewards_micro},
                        {"earned_micro", m.receipts_micro + m.rewards_micro}});
    }
    out.push_back({{"epoch", e.epoch}, {"first_seq", e.first_seq}, {"last_seq", e.last_seq}, {"complete", e.complete},
                   {"miners", miners}});
  }
  return out;
}

}  // namespace

json miners_json(const dashboard_reading<grid_view_report>& grid, const dashboard_reading<ledger_view_report>& ledger) {
  std::map<std::string, const account_view*> accounts;
  if (ledger.report) {
    for (const auto& a : ledger.report->accounts) accounts[a.account] = &a;
  }
  json miners = json::array();
  auto with_ledger = [&](json row, const std::string& id) {
    const auto found = accounts.find(id);
    if (found == accounts.end()) {
      row["account"] = nullptr;
      return row;
    }
    const account_view& a = *found->second;
    const ledger_view_report& l = *ledger.report;
    const bool early = a.first_stake_epoch >= 0 && a.first_stake_epoch < l.early_participant_epochs;
    row["account"] = {{"earnings_balance_micro", a.balance_micro}, {"staked_micro", a.staked_micro},
                      {"unbonding_micro", a.unbonding_micro},     {"first_stake_epoch", a.first_stake_epoch},
                      {"epoch_tokens", a.epoch_tokens},           {"early_participant", early},
                      {"score_multiplier_percent", early ? l.early_participant_multiplier_percent : 100}};
    accounts.erase(found);
    return row;
  };
  if (grid.report) {
    for (const auto& w : grid.report->workers) {
      json row = {{"miner", w.worker_id},
                  {"online", true},
                  {"address", w.address},
                  {"models", model_names(w.models)},
                  {"stated_stake_micro", w.stake_micro},
                  {"reputation_permille", w.reputation_permille},
                  {"score",
                   {{"useful_tokens_generated", w.tokens_generated},
                    {"latency_first_token_ms", w.first_token_ms_measured},
                    {"uptime_ms", w.registered_ms_ago},
                    {"stalls", w.stalls},
                    {"accuracy_reputation_permille", w.reputation_permille}}}};
      miners.push_back(with_ledger(std::move(row), w.worker_id));
    }
  }
  for (const auto& [id, account] : std::map(accounts)) {  // miners the ledger knows that are not online
    if (account->kind != 1) continue;
    miners.push_back(with_ledger({{"miner", id}, {"online", false}}, id));
  }
  json out = {{"matchmaker", freshness(grid)}, {"ledger", freshness(ledger)}, {"miners", miners}};
  if (ledger.report) {
    const ledger_view_report& l = *ledger.report;
    out["epoch"] = l.epoch;
    out["weights"] = {{"useful_tokens", l.weight_useful_tokens}, {"latency", l.weight_latency},
                      {"uptime", l.weight_uptime}, {"accuracy", l.weight_accuracy}};
    out["early_participant_epochs"] = l.early_participant_epochs;
    out["early_participant_multiplier_percent"] = l.early_participant_multiplier_percent;
    out["earnings_per_epoch"] = earnings_per_epoch_json(l.earnings);
  }
  return out;
}

json ledger_json(const dashboard_reading<ledger_view_report>& ledger) {
  json out = {{"ledger", freshness(ledger)}};
  if (!ledger.report) return out;
  const ledger_view_report& l = *ledger.report;
  json entries = json::array(), epochs = json::array(), accounts = json::array();
  for (const auto& e : l.entries) entries.push_back(entry_json(e));
  for (const auto& e : l.epochs) {
    epochs.push_back({{"epoch", e.epoch}, {"last_seq", e.last_seq}, {"root_hash", hex(e.root_hash)}});
  }
  for (const auto& a : l.accounts) {
    accounts.push_back({{"account", a.account},       {"kind", account_kind_name(a.kind)},
                        {"balance_micro", a.balance_micro}, {"staked_micro", a.staked_micro},
                        {"unbonding_micro", a.unbonding_micro}, {"escrowed_micro", a.escrowed_micro}});
  }
  out.update({{"epoch", l.epoch},
              {"last_seq", l.last_seq},
              {"last_hash", hex(l.last_hash)},
              {"signer", hex(l.signer)},
              {"open_escrows", l.open_escrows},
              {"verification",
               {{"ok", l.verify_error.empty()}, {"entries_checked", l.verified_entries}, {"error", l.verify_error}}},
              {"entries", entries},
              {"epochs", epochs},
              {"accounts", accounts},
              {"accounts_truncated", l.accounts_truncated}});
  return out;
}

json job_detail_json(const std::string& request_id, const job_detail& detail) {
  json out = {{"request_id", request_id}};
  if (!detail.trace.ok()) {
    out["trace_error"] = detail.trace.err().message;
    return out;
  }
  const trace_report& t = *detail.trace;
  json receipts = json::array(), verdicts = json::array(), entries = json::array();
  for (const auto& r : t.receipts) {
    receipts.push_back({{"miner", r.worker_id},
                        {"model", r.model},
                        {"model_hash", r.model_hash},
                        {"prompt_tokens", r.prompt_token_count},
                        {"completion_tokens", r.completion_token_count},
                        {"first_index", r.first_index},
                        {"finish_reason", r.finish_reason},
                        {"price_prompt_micro", r.price_prompt_micro},  // its signed ask for the job, per 1k
                        {"price_completion_micro", r.price_completion_micro},
                        {"fingerprint_bytes", r.fingerprints.size()}});
  }
  for (const auto& v : t.verdicts) {
    verdicts.push_back({{"validator", v.validator},
                        {"guilty", v.guilty},
                        {"reason", v.reason},
                        {"detail", v.detail},
                        {"tokens_checked", v.evidence.tokens_checked},
                        {"replay_ms", v.evidence.replay_ms},
                        {"canary", v.canary}});
  }
  out["request"] = {{"model", t.request.model}, {"max_tokens", t.request.max_tokens}, {"stream", t.request.client_streamed()}};
  out["miners"] = t.worker_ids;
  out["receipts"] = receipts;
  out["verdicts"] = verdicts;
  out["escalated"] = t.escalated;
  if (detail.entries.ok()) {
    for (const auto& e : detail.entries->entries) entries.push_back(entry_json(e));
    out["ledger_entries"] = entries;
  } else {
    out["ledger_error"] = detail.entries.err().message;
  }
  return out;
}

}  // namespace infergrid::http

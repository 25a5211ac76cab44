#pragma once
// Match / registry protocol (tags 200–299): workers announce what they serve and stay alive;
// anyone can ask the matchmaker for the supply signal per model.
//
//   gpu_worker ──worker_register──▶ matchmaker ──worker_registered──▶ gpu_worker
//   gpu_worker ──worker_heartbeat (every heartbeat_interval_ms)──▶ matchmaker
//   gpu_worker ──worker_leave──▶ matchmaker            (graceful shutdown)
//
// Asks (prices per 1k tokens) are published in the registration's model_offer and again in every
// heartbeat (`asks`), so a miner may change them while serving; the supply report carries the
// price index the matchmaker keeps per model (market/price_index.hpp).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "messages/message_registry.hpp"

namespace infergrid {

// One model a worker serves, with its ask (price).
struct model_offer {
  std::string name;            // "stories260k"
  std::string content_hash;    // hex of the GGUF content hash
  std::uint32_t context_length = 0;
  std::string quantisation;    // dominant weight type, e.g. "F32", "Q8_0"
  double tokens_per_second = 0;  // measured single-sequence decode speed at startup
  std::uint64_t price_prompt_micro = 0;      // per 1k prompt tokens
  std::uint64_t price_completion_micro = 0;  // per 1k completion tokens
  MSGPACK_DEFINE(name, content_hash, context_length, quantisation, tokens_per_second, price_prompt_micro,
                 price_completion_micro)
};

struct worker_register {
  static constexpr message_type id = message_type::worker_register;
  static constexpr std::uint16_t version = 1;
  std::string worker_id;  // Ed25519 public key hex — the miner's node id
  std::string address;    // bus address of the worker actor ("node/actor")
  std::vector<model_offer> models;
  std::uint32_t slots = 0;       // sequences it decodes together
  std::uint32_t free_slots = 0;
  std::uint32_t queue_capacity = 0;  // jobs it accepts beyond its slots
  std::uint64_t stake_micro = 0;     // stake the miner says it has bonded (checked by the stake gate)
  MSGPACK_DEFINE(worker_id, address, models, slots, free_slots, queue_capacity, stake_micro)
};
IG_REGISTER_MESSAGE(worker_register);

struct worker_registered {
  static constexpr message_type id = message_type::worker_registered;
  static constexpr std::uint16_t version = 1;
  std::string worker_id;
  std::int64_t heartbeat_interval_ms = 0;  // how often the matchmaker expects a heartbeat
  MSGPACK_DEFINE(worker_id, heartbeat_interval_ms)
};
IG_REGISTER_MESSAGE(worker_registered);

// A worker's current ask for one model it serves, per 1k tokens.
struct model_ask {
  std::string model;
  std::uint64_t price_prompt_micro = 0;
  std::uint64_t price_completion_micro = 0;
  MSGPACK_DEFINE(model, price_prompt_micro, price_completion_micro)
};

struct worker_heartbeat {
  static constexpr message_type id = message_type::worker_heartbeat;
  static constexpr std::uint16_t version = 1;
  std::string worker_id;
  std::uint64_t sequence = 0;
  std::uint32_t free_slots = 0;
  std::uint32_t running = 0;
  std::uint32_t queued = 0;
  std::uint64_t tokens_generated = 0;  // since start
  std::vector<model_ask> asks;         // appended: the current asks (empty = unchanged since registering)
  MSGPACK_DEFINE(worker_id, sequence, free_slots, running, queued, tokens_generated, asks)
};
IG_REGISTER_MESSAGE(worker_heartbeat);

struct worker_leave {
  static constexpr message_type id = message_type::worker_leave;
  static constexpr std::uint16_t version = 1;
  std::string worker_id;
  MSGPACK_DEFINE(worker_id)
};
IG_REGISTER_MESSAGE(worker_leave);

// A bridge asks which of the requests it submitted the matchmaker still holds (queued or running).
// One the matchmaker does not hold was lost — sent to a matchmaker that died or restarted since —
// and the bridge fails it at once instead of holding its client to the deadline. Messages on one
// path keep their order, so every request named was submitted before this query arrived.
// A bridge that vouches for delivery (inference_request::submitter_check_ms) also names the jobs it
// received to the end since its last answered query, and says whether the two lists name every job
// it holds here (then one in neither is a job it lost: actors/matchmaker/vouched_jobs.hpp).
struct held_requests_query {
  static constexpr message_type id = message_type::held_requests_query;
  static constexpr std::uint16_t version = 1;
  static constexpr std::size_t max_ids = 65536;
  std::vector<std::string> request_ids;
  std::vector<std::string> delivered_ids;  // at most max_ids
  bool names_all = false;
  // Appended: jobs this bridge dispatched before it restarted and no longer holds (its owed journal
  // names them): the matchmaker loses those it holds for it now, and names in the reply those it
  // neither holds nor owes settlement anything for (at most max_ids).
  std::vector<std::string> forgotten_ids;
  MSGPACK_DEFINE(request_ids, delivered_ids, names_all, forgotten_ids)
};
IG_REGISTER_MESSAGE(held_requests_query);

struct held_requests_reply {
  static constexpr message_type id = message_type::held_requests_reply;
  static constexpr std::uint16_t version = 1;
  std::vector<std::string> lost_ids;  // named in the query, not held for its sender
  // Appended: of the query's forgotten_ids, those the matchmaker never got, or settled nothing of and
  // owes nothing for: it refuses them from now on, so no worker can be paid for one, and the bridge
  // refunds their escrows. The rest it settles itself (an older matchmaker names none).
  std::vector<std::string> unknown_ids;
  MSGPACK_DEFINE(lost_ids, unknown_ids)
};
IG_REGISTER_MESSAGE(held_requests_reply);

struct supply_request {
  static constexpr message_type id = message_type::supply_request;
  static constexpr std::uint16_t version = 1;
  std::string model;  // empty = every model
  MSGPACK_DEFINE(model)
};
IG_REGISTER_MESSAGE(supply_request);

// p10 / median / p90 of the live workers' asks for a model, per 1k tokens (nearest rank).
struct ask_quantiles {
  std::uint64_t p10_micro = 0;
  std::uint64_t median_micro = 0;
  std::uint64_t p90_micro = 0;
  MSGPACK_DEFINE(p10_micro, median_micro, p90_micro)
};

// The supply signal of one model: capacity, load, queue and price index.
struct model_supply {
  std::string model;
  std::uint32_t workers = 0;
  std::uint32_t slots = 0;
  std::uint32_t free_slots = 0;
  std::uint32_t running = 0;          // jobs assigned and not finished
  std::uint32_t queued = 0;           // jobs waiting in the matchmaker for capacity
  std::uint32_t utilisation_permille = 0;  // running / slots
  std::uint64_t completed = 0;
  std::uint64_t failovers = 0;
  std::uint64_t min_price_completion_micro = 0;
  // Appended: the price index (market/price_index.hpp).
  ask_quantiles ask_prompt;                     // the live workers' prompt asks
  ask_quantiles ask_completion;                 // the live workers' completion asks
  std::uint64_t cleared_prompt_micro = 0;       // token-weighted price of the last cleared_jobs jobs
  std::uint64_t cleared_completion_micro = 0;
  std::uint32_t cleared_jobs = 0;
  // Appended: the demand signal (market/supply_rule.hpp's thresholds) — miners, come here.
  std::int64_t queue_p95_ms = 0;        // p95 of the last jobs' wait from arrival to their first dispatch
  bool short_of_capacity = false;       // requests wait past the target, or slots are saturated
  std::uint32_t slots_wanted = 0;       // more slots that would bring utilisation to the target
  MSGPACK_DEFINE(model, workers, slots, free_slots, running, queued, utilisation_permille, completed, failovers,
                 min_price_completion_micro, ask_prompt, ask_completion, cleared_prompt_micro, cleared_completion_micro,
                 cleared_jobs, queue_p95_ms, short_of_capacity, slots_wanted)
};

struct supply_report {
  static constexpr message_type id = message_type::supply_report;
  static constexpr std::uint16_t version = 1;
  std::vector<model_supply> models;
  std::uint64_t evictions = 0;  // workers dropped for missed heartbeats or stalls
  MSGPACK_DEFINE(models, evictions)
};
IG_REGISTER_MESSAGE(supply_report);

// The grid's demand measured over a window of wall-clock time [from, until), all models together:
// what the settlement actor's epoch driver feeds the supply rule (market/supply_rule.hpp).
struct demand_window_query {
  static constexpr message_type id = message_type::demand_window_query;
  static constexpr std::uint16_t version = 1;
  std::int64_t from_unix_ms = 0;
  std::int64_t until_unix_ms = 0;
  MSGPACK_DEFINE(from_unix_ms, until_unix_ms)
};
IG_REGISTER_MESSAGE(demand_window_query);

struct demand_window_report {
  static constexpr message_type id = message_type::demand_window_report;
  static constexpr std::uint16_t version = 1;
  std::int64_t from_unix_ms = 0;
  std::int64_t until_unix_ms = 0;
  std::int64_t utilisation_ppm = 0;  // time-weighted Σ running / Σ slots over the window's samples
  std::int64_t queue_p95_ms = 0;     // p95 wait before the first dispatch (jobs dispatched in the window, and
                                     // the wait so far of jobs still queued when the window reaches now)
  std::uint64_t jobs_dispatched = 0;  // first dispatches in the window
  std::uint64_t samples = 0;          // load samples in the window (0: the matchmaker was not running then)
  MSGPACK_DEFINE(from_unix_ms, until_unix_ms, utilisation_ppm, queue_p95_ms, jobs_dispatched, samples)
};
IG_REGISTER_MESSAGE(demand_window_report);

// The dashboard's and `infergrid status`'s picture of the compute layer: every live worker with its
// load and standing, the matchmaker's counters, and the most recent finished jobs (audit_memory).
inline constexpr std::uint32_t grid_view_recent_jobs_max = 500;

struct grid_view_query {
  static constexpr message_type id = message_type::grid_view_query;
  static constexpr std::uint16_t version = 1;
  std::uint32_t recent_jobs = 50;  // newest first; at most grid_view_recent_jobs_max
  MSGPACK_DEFINE(recent_jobs)
};
IG_REGISTER_MESSAGE(grid_view_query);

struct worker_view {
  std::string worker_id;
  std::string address;
  std::vector<model_offer> models;
  std::uint32_t slots = 0;
  std::uint32_t free_slots = 0;       // as the worker last reported
  std::uint32_t running = 0;          // as the worker last reported
  std::uint32_t queued = 0;           // waiting in the worker's own queue
  std::uint32_t assigned = 0;         // jobs the matchmaker has on it now
  std::uint32_t queue_capacity = 0;
  std::uint32_t reputation_permille = 0;
  double first_token_ms_ewma = 0;
  std::uint32_t stalls = 0;
  // Since the worker joined: restarts under the same key while the matchmaker still lists it add up
  // (a crash and a quick restart); a leave or an eviction starts a new count.
  std::uint64_t tokens_generated = 0;
  std::int64_t stake_micro = 0;        // as stated at registration (the ledger holds the truth)
  std::int64_t registered_ms_ago = 0;  // since it joined, a restart listed as above included
  std::int64_t last_seen_ms_ago = 0;
  // Dispatch -> first chunk, smoothed over its jobs and kept between them (what operators see;
  // first_token_ms_ewma is routing's estimate, which fades towards 0 while the worker gets no jobs).
  double first_token_ms_measured = 0;
  MSGPACK_DEFINE(worker_id, address, models, slots, free_slots, running, queued, assigned, queue_capacity,
                 reputation_permille, first_token_ms_ewma, stalls, tokens_generated, stake_micro, registered_ms_ago,
                 last_seen_ms_ago, first_token_ms_measured)
};

// A finished job as the matchmaker remembers it (the summary of a trace_report).
struct job_view {
  std::string request_id;
  std::string model;
  std::string worker_id;            // the worker that finished it
  std::int64_t finished_unix_ms = 0;
  bool receipt = false;             // a signed receipt arrived and was verified
  std::uint32_t prompt_tokens = 0;  // from the receipt
  std::uint32_t completion_tokens = 0;
  std::string finish_reason;
  std::uint32_t verdicts = 0;
  std::uint32_t guilty_verdicts = 0;
  bool escalated = false;
  MSGPACK_DEFINE(request_id, model, worker_id, finished_unix_ms, receipt, prompt_tokens, completion_tokens,
                 finish_reason, verdicts, guilty_verdicts, escalated)
};

struct grid_view_report {
  static constexpr message_type id = message_type::grid_view_report;
  static constexpr std::uint16_t version = 1;
  std::vector<worker_view> workers;
  std::vector<model_supply> models;
  std::uint32_t queued = 0;           // jobs waiting in the matchmaker for capacity
  std::uint32_t jobs_in_flight = 0;   // dispatched or queued, unfinished
  std::uint64_t completed = 0;
  std::uint64_t failed = 0;
  std::uint64_t failovers = 0;
  std::uint64_t evictions = 0;
  std::uint64_t receipts = 0;
  std::uint64_t bad_receipts = 0;
  std::uint64_t audit_verdicts = 0;
  std::uint64_t convictions = 0;
  std::uint32_t validators = 0;
  std::vector<job_view> recent_jobs;  // newest first
  MSGPACK_DEFINE(workers, models, queued, jobs_in_flight, completed, failed, failovers, evictions, receipts,
                 bad_receipts, audit_verdicts, convictions, validators, recent_jobs)
};
IG_REGISTER_MESSAGE(grid_view_report);

}  // namespace infergrid

#pragma once
// operation: every mutation the ledger accepts, one plain struct each. The variant's order is the
// wire kind of each operation and is APPEND-ONLY: a new operation goes at the end, never between.
// Fields are appended only as well. Supply changes only through deposit/withdraw (external money in
// and out) and mint/burn (tokens created or destroyed by the network); everything else moves money.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <msgpack.hpp>

#include "actors/settlement/ledger/amount.hpp"

namespace infergrid::ledger {

using byte_vector = std::vector<std::uint8_t>;

enum class account_kind : std::uint8_t { developer = 0, miner = 1, validator = 2, treasury = 3 };
inline constexpr std::uint8_t account_kind_count = 4;
// The kinds' names in enum order, as the CLI, the dashboard and logs print and parse them.
inline constexpr std::array<std::string_view, account_kind_count> account_kind_names = {"developer", "miner", "validator",
                                                                                         "treasury"};

struct deposit_op {  // external money in: credits `account` (created with `kind` if new)
  std::string account;
  std::uint8_t kind = 0;  // account_kind
  micro_units amount_micro = 0;
  MSGPACK_DEFINE(account, kind, amount_micro)
};
struct withdraw_op {  // external money out: debits `account`'s free balance
  std::string account;
  micro_units amount_micro = 0;
  MSGPACK_DEFINE(account, amount_micro)
};
struct mint_op {  // network creates tokens (e.g. funding the reward pool in the treasury)
  std::string account;
  micro_units amount_micro = 0;
  MSGPACK_DEFINE(account, amount_micro)
};
struct burn_op {  // network destroys tokens from a free balance
  std::string account;
  micro_units amount_micro = 0;
  MSGPACK_DEFINE(account, amount_micro)
};
struct transfer_op {
  std::string from;
  std::string to;
  micro_units amount_micro = 0;
  MSGPACK_DEFINE(from, to, amount_micro)
};
struct stake_op {  // free balance → staked (miners and validators only)
  std::string account;
  micro_units amount_micro = 0;
  MSGPACK_DEFINE(account, amount_micro)
};
struct unbond_op {  // staked → unbonding, locked (and slashable) for unbonding_epochs
  std::string account;
  micro_units amount_micro = 0;
  MSGPACK_DEFINE(account, amount_micro)
};
struct withdraw_unbonded_op {  // every matured unbonding → free balance
  std::string account;
  MSGPACK_DEFINE(account)
};
// Holds max_cost_micro of the payer for one request, with the agreed prices, until
// expires_at_unix_ms (the request's deadline + the settlement's grace; 0 = no expiry, as escrows
// written before expiries existed). Encoded with 5 fields when it has no expiry and 6 with one, so
// the entries written before the field was appended keep their exact, canonical bytes.
struct escrow_op {
  std::string request_id;
  std::string payer;
  micro_units max_cost_micro = 0;
  micro_units prompt_price_per_1k_micro = 0;
  micro_units completion_price_per_1k_micro = 0;
  std::int64_t expires_at_unix_ms = 0;

  template <class Packer>
  void msgpack_pack(Packer& out) const {
    out.pack_array(expires_at_unix_ms == 0 ? 5 : 6);
    out.pack(request_id), out.pack(payer), out.pack(max_cost_micro), out.pack(prompt_price_per_1k_micro);
    out.pack(completion_price_per_1k_micro);
    if (expires_at_unix_ms != 0) out.pack(expires_at_unix_ms);
  }
  void msgpack_unpack(const msgpack::object& in) {
    if (in.type != msgpack::type::ARRAY || in.via.array.size < 5 || in.via.array.size > 6) throw msgpack::type_error();
    const msgpack::object* field = in.via.array.ptr;
    field[0].convert(request_id), field[1].convert(payer), field[2].convert(max_cost_micro);
    field[3].convert(prompt_price_per_1k_micro), field[4].convert(completion_price_per_1k_micro);
    expires_at_unix_ms = 0;
    if (in.via.array.size == 6) field[5].convert(expires_at_unix_ms);
  }
};
// The miner's ask for one request, per 1k tokens, fixed when its worker accepted the job.
struct receipt_ask {
  micro_units prompt_per_1k_micro = 0;
  micro_units completion_per_1k_micro = 0;
  MSGPACK_DEFINE(prompt_per_1k_micro, completion_per_1k_micro)
  bool operator==(const receipt_ask&) const = default;
};
// What a miner signs when it finishes a request (see signing_bytes in operation_codec.hpp). The
// miner is paid at its `ask`, each price capped by the escrow's (the payer's caps); a receipt
// without an ask (signed before asks were) is paid at the escrow's prices. `first_index` is the
// generated position its tokens start at (a worker that took the request over after a failover
// resumes past 0): the receipt claims positions [first_index, first_index + completion_tokens),
// and the ledger pays each position of a request once (paid_segments.hpp). Encoded with 5 fields
// without an ask, 6 with one and 7 with a first index (the ask then nil when there is none), so the
// entries written before each field was appended keep their exact, canonical bytes and signatures.
struct settlement_receipt {
  std::string request_id;
  std::string miner;  // account id = the miner's public key in hex
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  byte_vector receipt_digest;  // BLAKE2b of the worker's full receipt (model, prompt, fingerprints)
  std::optional<receipt_ask> ask;
  std::optional<std::int64_t> first_index;  // none: signed before receipts said where they start

  template <class Packer>
  void msgpack_pack(Packer& out) const {
    out.pack_array(first_index ? 7 : ask ? 6 : 5);
    out.pack(request_id), out.pack(miner), out.pack(prompt_tokens), out.pack(completion_tokens);
    out.pack(receipt_digest);
    if (ask) {
      out.pack(*ask);
    } else if (first_index) {
      out.pack_nil();
    }
    if (first_index) out.pack(*first_index);
  }
  void msgpack_unpack(const msgpack::object& in) {
    if (in.type != msgpack::type::ARRAY || in.via.array.size < 5 || in.via.array.size > 7) throw msgpack::type_error();
    const msgpack::object* field = in.via.array.ptr;
    field[0].convert(request_id), field[1].convert(miner), field[2].convert(prompt_tokens);
    field[3].convert(completion_tokens), field[4].convert(receipt_digest);
    ask.reset();
    first_index.reset();
    if (in.via.array.size >= 6 && !field[5].is_nil()) ask = field[5].as<receipt_ask>();
    if (in.via.array.size == 7) first_index = field[6].as<std::int64_t>();
  }
};
struct settle_op {  // pays the miner for the receipt's tokens, fee to treasury, refunds the rest
  settlement_receipt receipt;
  byte_vector miner_signature;
  MSGPACK_DEFINE(receipt, miner_signature)
};
// Pays a miner for the tokens of a claim it signed before its request ended — an earlier worker's
// share after a failover, or what a cancelled stream delivered — and keeps the escrow open for the
// rest (ended by the final settle_op or a refund_op). A request pays each miner once, and its
// prompt tokens once (with its first payment).
struct partial_settle_op {
  settlement_receipt receipt;
  byte_vector miner_signature;
  MSGPACK_DEFINE(receipt, miner_signature)
};
struct refund_op {  // failed request: the whole escrow goes back to the payer
  std::string request_id;
  std::string reason;
  MSGPACK_DEFINE(request_id, reason)
};
// What a validator signs after auditing a receipt.
struct verdict {
  std::string request_id;
  std::string miner;
  std::string validator;  // account id = the validator's public key in hex
  bool guilty = false;
  MSGPACK_DEFINE(request_id, miner, validator, guilty)
};
struct verdict_op {
  verdict body;
  byte_vector validator_signature;
  MSGPACK_DEFINE(body, validator_signature)
};
struct miner_metrics {  // measured outside the ledger (matchmaker, validators) for one epoch
  std::string miner;
  std::int64_t latency_p95_ms = 0;
  std::int64_t uptime_ppm = 0;    // parts per million of the epoch the miner was reachable
  std::int64_t accuracy_ppm = 0;  // parts per million of its audited receipts found correct
  MSGPACK_DEFINE(miner, latency_p95_ms, uptime_ppm, accuracy_ppm)
};
// Demand the matchmaker measured over an epoch (the ledger counts the tokens served itself).
struct epoch_demand {
  std::int64_t queue_p95_ms = 0;     // p95 of the requests' wait for a worker
  std::int64_t utilisation_ppm = 0;  // mean running jobs / slots
  MSGPACK_DEFINE(queue_p95_ms, utilisation_ppm)
  bool operator==(const epoch_demand&) const = default;
};
// What an epoch close counts as a miner's useful work — its share of the score's first dimension,
// and, for a demand-driven close, the base of the pool (market/supply_rule.hpp).
enum class useful_work : std::uint8_t {
  // Prompt + completion tokens settled. Closes written before `value_paid` existed count these:
  // a miner serving itself at ask 0 earned a share and grew the pool without anyone paying.
  tokens_settled = 0,
  // Micro-units the miner was credited from receipts paid by another account (a payer that is the
  // miner's own account counts nothing; work at price 0 is worth 0).
  value_paid = 1,
};
// How an epoch close turns a miner's dimensions (work share, latency, uptime, accuracy, each in
// ppm; weights in ledger_config's reward_weights) into its score.
enum class score_rule : std::uint8_t {
  // w_work·work + w_latency·latency + w_uptime·uptime + w_accuracy·accuracy. The quality terms are
  // per miner while work is a share of all miners', so with N miners work weighed about 1/N of the
  // rest: rewards came out near one share per account, and splitting one GPU's work over several
  // staked accounts earned several. Closes written before `work_scaled` existed.
  additive = 0,
  // work · (w_work + w_latency·latency + w_uptime·uptime + w_accuracy·accuracy) / 10^6: the quality
  // dimensions scale what a miner did (from w_work / Σw of it with every quality at 0, to all of it);
  // work split over accounts splits its reward, and a miner that did no useful work earns nothing.
  work_scaled = 1,
};
// Closes `epoch`, pays its reward pool from the treasury, publishes the root. With `demand` the pool
// is the supply rule's (market/supply_rule.hpp, bounded by the treasury) and reward_pool_micro must
// be 0; without it, the caller's pool. Encoded with 3 fields without demand and 4 with, so entries
// written before the field was appended keep their exact, canonical bytes; a close counting
// `value_paid` (appended after) has 5: [epoch, pool, metrics, demand or nil, work], and one scored
// `work_scaled` (appended last) 6: [epoch, pool, metrics, demand or nil, work, score]. Each entry
// has the shortest of these that says all it holds: a 5-field close naming tokens_settled, or a
// 6-field one naming additive, is not canonical (it re-encodes shorter).
struct epoch_close_op {
  std::int64_t epoch = 0;
  micro_units reward_pool_micro = 0;
  std::vector<miner_metrics> metrics;
  std::optional<epoch_demand> demand;
  useful_work work = useful_work::tokens_settled;
  score_rule score = score_rule::additive;

  template <class Packer>
  void msgpack_pack(Packer& out) const {
    const std::uint32_t fields = score != score_rule::additive       ? 6
                                 : work != useful_work::tokens_settled ? 5
                                 : demand                              ? 4
                                                                       : 3;
    out.pack_array(fields);
    out.pack(epoch), out.pack(reward_pool_micro), out.pack(metrics);
    if (fields >= 5) {
      demand ? out.pack(*demand) : out.pack_nil();
      out.pack(static_cast<std::uint8_t>(work));
    } else if (demand) {
      out.pack(*demand);
    }
    if (fields == 6) out.pack(static_cast<std::uint8_t>(score));
  }
  void msgpack_unpack(const msgpack::object& in) {
    if (in.type != msgpack::type::ARRAY || in.via.array.size < 3 || in.via.array.size > 6) throw msgpack::type_error();
    const msgpack::object* field = in.via.array.ptr;
    field[0].convert(epoch), field[1].convert(reward_pool_micro), field[2].convert(metrics);
    demand.reset();
    work = useful_work::tokens_settled;
    score = score_rule::additive;
    if (in.via.array.size >= 4 && !field[3].is_nil()) demand = field[3].as<epoch_demand>();
    if (in.via.array.size >= 5) {
      const auto value = field[4].as<std::uint8_t>();
      if (value > static_cast<std::uint8_t>(useful_work::value_paid)) throw msgpack::type_error();
      work = static_cast<useful_work>(value);
    }
    if (in.via.array.size == 6) {
      const auto value = field[5].as<std::uint8_t>();
      if (value > static_cast<std::uint8_t>(score_rule::work_scaled)) throw msgpack::type_error();
      score = static_cast<score_rule>(value);
    }
  }
};

// External money out of the unbonding bucket: the chain paid `amount_micro` of the account's
// unbondings to its wallet (the vault's withdrawUnbonded), taken oldest first. Custody is on the
// chain, so the vault's delay, not unbonding_epochs, decided they had matured.
struct unbonding_paid_op {
  std::string account;
  micro_units amount_micro = 0;
  MSGPACK_DEFINE(account, amount_micro)
};

// A slash the vault executed before this ledger convicted it (anyone may send the validators'
// signatures to the vault): booked as its Slashed event says. The miner forfeits exactly
// forfeit_micro, staked first, then unbonding newest first (the vault's order); each voter's balance
// gets reward_per_voter_micro and the treasury's treasury_share_micro (forfeit = n * reward +
// share; supply unchanged). request_id: the request the conviction is about when the settlement's
// slash book knows its evidence ("" for a conviction only the chain saw); a quorum of verdicts on
// it later convicts without slashing again.
struct chain_slash_op {
  std::string request_id;
  std::string miner;
  micro_units forfeit_micro = 0;
  std::vector<std::string> voters;
  micro_units reward_per_voter_micro = 0;
  micro_units treasury_share_micro = 0;
  MSGPACK_DEFINE(request_id, miner, forfeit_micro, voters, reward_per_voter_micro, treasury_share_micro)
};

using operation = std::variant<deposit_op, withdraw_op, mint_op, burn_op, transfer_op, stake_op, unbond_op,
                               withdraw_unbonded_op, escrow_op, settle_op, refund_op, verdict_op, epoch_close_op,
                               partial_settle_op, unbonding_paid_op, chain_slash_op>;

// A mutation as submitted: its unique id (the idempotency key), the id of the message that caused
// it, and the operation.
struct command {
  std::string op_id;
  std::string cause_id;
  operation op;
};

std::string_view operation_name(const operation& op);

}  // namespace infergrid::ledger

#pragma once
// Ledger / settlement protocol (tags 400–499), served by the `settlement` actor. Every mutation
// carries op_id, its idempotency key: resending a message with the same op_id and content is
// answered with the original result (replayed = true), never applied twice; the same op_id with
// other content is answered with a `conflict` error_reply. Refusals (insufficient funds or stake,
// bad signature, unknown account or request) are error_replies with the matching error_code.
// Amounts are micro-units (1 token = 1,000,000). Fields are appended only.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "messages/job_price.hpp"
#include "messages/message_registry.hpp"

namespace infergrid {

// One movement of money an operation made: account, bucket (0 balance, 1 staked, 2 unbonding,
// 3 escrowed) and signed delta.
struct ledger_posting {
  std::string account;
  std::uint8_t bucket = 0;
  std::int64_t delta_micro = 0;
  MSGPACK_DEFINE(account, bucket, delta_micro)
};

// The generic answer to a mutation: the entry that records it and what it moved.
struct ledger_ack {
  static constexpr message_type id = message_type::ledger_ack;
  static constexpr std::uint16_t version = 1;
  std::uint64_t seq = 0;
  std::vector<std::uint8_t> entry_hash;
  std::vector<ledger_posting> postings;
  bool replayed = false;
  MSGPACK_DEFINE(seq, entry_hash, postings, replayed)
};
IG_REGISTER_MESSAGE(ledger_ack);

// External money in. kind (used when the account is new): 0 developer, 1 miner, 2 validator, 3 treasury.
struct ledger_deposit {
  static constexpr message_type id = message_type::ledger_deposit;
  static constexpr std::uint16_t version = 1;
  std::string op_id;
  std::string account;
  std::uint8_t kind = 0;
  std::int64_t amount_micro = 0;
  MSGPACK_DEFINE(op_id, account, kind, amount_micro)
};
IG_REGISTER_MESSAGE(ledger_deposit);

// Bond free balance as stake (miners, validators). Answered with ledger_ack.
struct ledger_stake {
  static constexpr message_type id = message_type::ledger_stake;
  static constexpr std::uint16_t version = 1;
  std::string op_id;
  std::string account;
  std::int64_t amount_micro = 0;
  MSGPACK_DEFINE(op_id, account, amount_micro)
};
IG_REGISTER_MESSAGE(ledger_stake);

// Start unbonding stake: locked (and slashable) for the unbonding period. Answered with ledger_ack.
struct ledger_unbond {
  static constexpr message_type id = message_type::ledger_unbond;
  static constexpr std::uint16_t version = 1;
  std::string op_id;
  std::string account;
  std::int64_t amount_micro = 0;
  MSGPACK_DEFINE(op_id, account, amount_micro)
};
IG_REGISTER_MESSAGE(ledger_unbond);

// Free every unbonding whose period has passed. Answered with ledger_ack.
struct ledger_withdraw_unbonded {
  static constexpr message_type id = message_type::ledger_withdraw_unbonded;
  static constexpr std::uint16_t version = 1;
  std::string op_id;
  std::string account;
  MSGPACK_DEFINE(op_id, account)
};
IG_REGISTER_MESSAGE(ledger_withdraw_unbonded);

// Hold a request's maximum cost before it is scheduled (sent by the HTTP bridge / gateway).
struct escrow_request {
  static constexpr message_type id = message_type::escrow_request;
  static constexpr std::uint16_t version = 1;
  std::string op_id;
  std::string request_id;
  std::string payer;
  std::int64_t max_cost_micro = 0;
  std::int64_t prompt_price_per_1k_micro = 0;
  std::int64_t completion_price_per_1k_micro = 0;
  // When the request gives up at the sender (Unix ms); the escrow expires escrow_grace_ms later and
  // the settlement actor then refunds it. 0 (older senders): now + the actor's escrow_default_timeout_ms.
  std::int64_t deadline_unix_ms = 0;
  MSGPACK_DEFINE(op_id, request_id, payer, max_cost_micro, prompt_price_per_1k_micro, completion_price_per_1k_micro,
                 deadline_unix_ms)
};
IG_REGISTER_MESSAGE(escrow_request);

struct escrow_reply {
  static constexpr message_type id = message_type::escrow_reply;
  static constexpr std::uint16_t version = 1;
  std::string request_id;
  std::int64_t held_micro = 0;
  std::uint64_t seq = 0;
  bool replayed = false;
  MSGPACK_DEFINE(request_id, held_micro, seq, replayed)
};
IG_REGISTER_MESSAGE(escrow_reply);

// The worker's receipt as settlement needs it, with the miner's signature over
// msgpack["infergrid.receipt.v1", [request_id, miner, prompt_tokens, completion_tokens, receipt_digest, ask]]
// (`ask` = [prompt, completion] micro per 1k tokens; without it the array ends at receipt_digest).
// The miner is paid at its ask, each price capped by the escrow's; without an ask, at the escrow's.
// `partial`: pay the miner for these tokens and keep the escrow open for the rest (a failed-over
// worker's or a cancelled stream's tokens, from its last signed chunk claim); the final receipt or
// a refund ends it. A request pays each miner once and its prompt tokens once.
struct settle_receipt {
  static constexpr message_type id = message_type::settle_receipt;
  static constexpr std::uint16_t version = 1;
  std::string op_id;
  std::string request_id;
  std::string miner;  // public key hex
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::vector<std::uint8_t> receipt_digest;  // BLAKE2b of the worker's full receipt
  std::vector<std::uint8_t> miner_signature;
  bool partial = false;
  std::optional<job_price> ask;  // none from workers older than signed asks
  // The generated position the claimed tokens start at (signed; ledger::settlement_receipt), none
  // from workers older than placed claims.
  std::optional<std::uint32_t> first_index;
  MSGPACK_DEFINE(op_id, request_id, miner, prompt_tokens, completion_tokens, receipt_digest, miner_signature, partial,
                 ask, first_index)
};
IG_REGISTER_MESSAGE(settle_receipt);

struct settle_reply {
  static constexpr message_type id = message_type::settle_reply;
  static constexpr std::uint16_t version = 1;
  std::string request_id;
  std::int64_t miner_paid_micro = 0;
  std::int64_t fee_micro = 0;
  std::int64_t refunded_micro = 0;
  std::uint64_t seq = 0;
  bool replayed = false;
  MSGPACK_DEFINE(request_id, miner_paid_micro, fee_micro, refunded_micro, seq, replayed)
};
IG_REGISTER_MESSAGE(settle_reply);

// A failed request: its whole escrow goes back to the payer. Answered with ledger_ack.
struct refund_request {
  static constexpr message_type id = message_type::refund_request;
  static constexpr std::uint16_t version = 1;
  std::string op_id;
  std::string request_id;
  std::string reason;
  MSGPACK_DEFINE(op_id, request_id, reason)
};
IG_REGISTER_MESSAGE(refund_request);

// A validator's signed verdict on a receipt, signature over
// msgpack["infergrid.verdict.v1", [request_id, miner, validator, guilty]]. An empty op_id defaults
// to "verdict/<request_id>/<validator>" (one verdict per validator and receipt).
struct verdict_message {
  static constexpr message_type id = message_type::verdict_message;
  static constexpr std::uint16_t version = 1;
  std::string op_id;
  std::string request_id;
  std::string miner;
  std::string validator;  // public key hex
  bool guilty = false;
  std::vector<std::uint8_t> validator_signature;
  MSGPACK_DEFINE(op_id, request_id, miner, validator, guilty, validator_signature)
};
IG_REGISTER_MESSAGE(verdict_message);

struct verdict_reply {
  static constexpr message_type id = message_type::verdict_reply;
  static constexpr std::uint16_t version = 1;
  std::string request_id;
  bool convicted = false;            // this verdict completed a quorum and slashed the miner
  bool miner_unschedulable = false;  // the miner's stake fell under the scheduling minimum
  std::int64_t slashed_micro = 0;
  std::uint64_t seq = 0;
  bool replayed = false;
  MSGPACK_DEFINE(request_id, convicted, miner_unschedulable, slashed_micro, seq, replayed)
};
IG_REGISTER_MESSAGE(verdict_reply);

struct epoch_miner_metrics {
  std::string miner;
  std::int64_t latency_p95_ms = 0;
  std::int64_t uptime_ppm = 0;
  std::int64_t accuracy_ppm = 0;
  MSGPACK_DEFINE(miner, latency_p95_ms, uptime_ppm, accuracy_ppm)
};

// Close the open epoch: pay its reward pool from the treasury, publish its root. Answered with
// epoch_root, which the settlement actor also sends to its configured root subscribers.
// With demand_driven the pool is not the caller's: the ledger's supply rule decides it from the
// tokens settled this epoch and the measured queue time and utilisation (settlement.md).
struct epoch_close {
  static constexpr message_type id = message_type::epoch_close;
  static constexpr std::uint16_t version = 1;
  std::string op_id;
  std::int64_t epoch = 0;
  std::int64_t reward_pool_micro = 0;  // 0 when demand_driven
  std::vector<epoch_miner_metrics> metrics;
  bool demand_driven = false;          // appended: the pool from measured demand
  std::int64_t queue_p95_ms = 0;       // appended: p95 of the requests' wait for a worker
  std::int64_t utilisation_ppm = 0;    // appended: mean running jobs / slots
  MSGPACK_DEFINE(op_id, epoch, reward_pool_micro, metrics, demand_driven, queue_p95_ms, utilisation_ppm)
};
IG_REGISTER_MESSAGE(epoch_close);

struct epoch_root {
  static constexpr message_type id = message_type::epoch_root;
  static constexpr std::uint16_t version = 1;
  std::int64_t epoch = 0;
  std::uint64_t last_seq = 0;
  std::vector<std::uint8_t> root_hash;  // hash of the epoch's closing entry
  std::vector<std::uint8_t> signer;     // the ledger's public key (entries are signed with it)
  std::vector<ledger_posting> rewards;
  MSGPACK_DEFINE(epoch, last_seq, root_hash, signer, rewards)
};
IG_REGISTER_MESSAGE(epoch_root);

struct balance_query {
  static constexpr message_type id = message_type::balance_query;
  static constexpr std::uint16_t version = 1;
  std::string account;
  MSGPACK_DEFINE(account)
};
IG_REGISTER_MESSAGE(balance_query);

struct balance_reply {
  static constexpr message_type id = message_type::balance_reply;
  static constexpr std::uint16_t version = 1;
  std::string account;
  std::uint8_t kind = 0;
  std::int64_t balance_micro = 0;
  std::int64_t staked_micro = 0;
  std::int64_t unbonding_micro = 0;
  std::int64_t escrowed_micro = 0;
  MSGPACK_DEFINE(account, kind, balance_micro, staked_micro, unbonding_micro, escrowed_micro)
};
IG_REGISTER_MESSAGE(balance_reply);

// The matchmaker's stake gate: may this miner be scheduled, may this validator vote?
struct stake_query {
  static constexpr message_type id = message_type::stake_query;
  static constexpr std::uint16_t version = 1;
  std::string account;
  MSGPACK_DEFINE(account)
};
IG_REGISTER_MESSAGE(stake_query);

struct stake_reply {
  static constexpr message_type id = message_type::stake_reply;
  static constexpr std::uint16_t version = 1;
  std::string account;
  std::int64_t staked_micro = 0;
  std::int64_t unbonding_micro = 0;
  bool schedulable = false;  // a miner with at least the scheduling minimum staked
  bool can_vote = false;     // a validator with at least the voting minimum staked
  MSGPACK_DEFINE(account, staked_micro, unbonding_micro, schedulable, can_vote)
};
IG_REGISTER_MESSAGE(stake_reply);

// Ledger entries by op id (`infergrid trace`: a request's escrow, settlement, refund, verdicts).
// Unknown op ids are left out of the reply; at most entries_query_max per query.
inline constexpr std::size_t entries_query_max = 64;

struct entries_query {
  static constexpr message_type id = message_type::entries_query;
  static constexpr std::uint16_t version = 1;
  std::vector<std::string> op_ids;
  MSGPACK_DEFINE(op_ids)
};
IG_REGISTER_MESSAGE(entries_query);

struct ledger_entry_summary {
  std::uint64_t seq = 0;
  std::string op_id;
  std::string cause_id;
  std::string operation;  // deposit, escrow, settle, refund, verdict, ...
  std::vector<ledger_posting> postings;
  bool convicted = false;
  std::vector<std::uint8_t> entry_hash;
  MSGPACK_DEFINE(seq, op_id, cause_id, operation, postings, convicted, entry_hash)
};

struct entries_reply {
  static constexpr message_type id = message_type::entries_reply;
  static constexpr std::uint16_t version = 1;
  std::vector<ledger_entry_summary> entries;
  MSGPACK_DEFINE(entries)
};
IG_REGISTER_MESSAGE(entries_reply);

}  // namespace infergrid

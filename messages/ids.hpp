#pragma once
// message_type: the one table of stable numeric tags for every message on the bus.
//
// Reserved ranges — each protocol area adds its ids inside its own block, never renumbers:
//     1 –  99  runtime / system (ping, health, error replies)       messages/system.hpp
//   100 – 199  inference (requests, token chunks, receipts)          messages/inference.hpp
//   200 – 299  match / registry (worker heartbeats, offers, routing) messages/match.hpp
//   300 – 399  challenge / verification (audits, verdicts)           messages/challenge.hpp
//   400 – 499  ledger / settlement (escrow, payments, slashing)      messages/ledger.hpp
//   500 – 599  http / gateway                                        messages/gateway.hpp
// A tag, once shipped, is never reused for another message. Values above max_message_type are
// rejected by the codec.
#include <cstdint>

namespace infergrid {

enum class message_type : std::uint16_t {
  // 1–99 runtime / system
  error_reply = 1,
  ping = 2,
  pong = 3,
  health_request = 4,
  health_report = 5,

  // 100–199 inference
  inference_request = 100,
  token_chunk = 101,
  cancel_inference = 102,
  inference_failed = 103,
  completion_result = 104,
  completion_receipt = 105,
  inference_job = 106,
  job_accepted = 107,

  // 200–299 match / registry
  worker_register = 200,
  worker_registered = 201,
  worker_heartbeat = 202,
  worker_leave = 203,
  supply_request = 204,
  supply_report = 205,
  grid_view_query = 206,
  grid_view_report = 207,
  demand_window_query = 208,
  demand_window_report = 209,
  held_requests_query = 210,
  held_requests_reply = 211,

  // 300–399 challenge / verification (messages/challenge.hpp)
  audit_request = 300,
  audit_verdict = 301,
  trace_query = 302,
  trace_report = 303,

  // 400–499 ledger / settlement (messages/ledger.hpp)
  ledger_deposit = 400,
  ledger_ack = 401,
  ledger_stake = 402,
  ledger_unbond = 403,
  escrow_request = 404,
  escrow_reply = 405,
  settle_receipt = 406,
  settle_reply = 407,
  refund_request = 408,
  verdict_message = 409,
  verdict_reply = 410,
  epoch_close = 411,
  epoch_root = 412,
  balance_query = 413,
  balance_reply = 414,
  stake_query = 415,
  stake_reply = 416,
  ledger_withdraw_unbonded = 417,
  entries_query = 418,
  entries_reply = 419,
  ledger_view_query = 420,
  ledger_view_report = 421,
  chain_withdrawal_request = 422,      // chain_withdrawal.hpp
  chain_withdrawal_proof_query = 423,
  chain_withdrawal_proof = 424,
  account_history_query = 425,         // account_history.hpp
  chain_identity_query = 426,          // chain_slash.hpp
  chain_identity = 427,
  chain_slash_signature = 428,
  chain_slash_signature_ack = 429,

  // 500–599 http / gateway
};

// Upper bound (exclusive) of any tag; the message registry is a flat table of this size.
inline constexpr std::uint16_t max_message_type = 1024;

}  // namespace infergrid

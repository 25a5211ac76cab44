#include "messages/authority.hpp"

#include <array>

#include "messages/account_history.hpp"
#include "messages/chain_slash.hpp"
#include "messages/chain_withdrawal.hpp"

namespace infergrid {
namespace {

using enum message_type;
constexpr role_mask anyone = role_anyone;
constexpr role_mask member = role_member;
constexpr role_mask coordinator = role_coordinator;
constexpr role_mask operator_ = role_operator;

// clang-format off
constexpr std::array rules = {
  // Anyone: liveness and the public supply signal.
  authority_rule{"*", ping, anyone},
  authority_rule{"*", health_request, anyone},
  authority_rule{"*", supply_request, anyone},
  // Replies reach only the request they answer (correlation id, unguessable message ids).
  authority_rule{"*", error_reply, anyone},
  authority_rule{"*", pong, anyone},
  authority_rule{"*", health_report, anyone},
  authority_rule{"*", supply_report, anyone},
  authority_rule{"*", worker_registered, anyone},
  authority_rule{"*", job_accepted, anyone},
  authority_rule{"*", ledger_ack, anyone},
  authority_rule{"*", escrow_reply, anyone},
  authority_rule{"*", settle_reply, anyone},
  authority_rule{"*", verdict_reply, anyone},
  authority_rule{"*", balance_reply, anyone},
  authority_rule{"*", stake_reply, anyone},
  authority_rule{"*", entries_reply, anyone},
  authority_rule{"*", epoch_root, coordinator},
  authority_rule{"*", trace_report, anyone},
  authority_rule{"*", grid_view_report, anyone},
  authority_rule{"*", demand_window_report, anyone},
  authority_rule{"*", held_requests_reply, anyone},
  authority_rule{"*", ledger_view_report, anyone},
  authority_rule{"*", message_type::chain_withdrawal_proof, anyone},
  authority_rule{"*", message_type::chain_identity, anyone},
  authority_rule{"*", message_type::chain_slash_signature_ack, anyone},
  // A request's trace (`infergrid trace`): what the matchmaker remembers of a finished request.
  authority_rule{"matchmaker", trace_query, anyone},
  // The dashboard's and `infergrid status`'s picture: workers, load, recent jobs (no account data).
  authority_rule{"matchmaker", grid_view_query, anyone},
  // The grid's measured demand over a time window (the settlement actor's epoch driver); public.
  authority_rule{"matchmaker", demand_window_query, anyone},
  // Audits: the matchmaker hands receipts to validators; validators answer with signed verdicts
  // (the matchmaker takes them only from its configured validators' addresses).
  authority_rule{"validator", audit_request, coordinator},
  authority_rule{"matchmaker", audit_verdict, member},
  // Matchmaker: requests from gateways/bridges; a worker's own registry entry, stream and receipt
  // (the matchmaker checks the body's worker id against the signing key).
  authority_rule{"matchmaker", inference_request, coordinator},
  authority_rule{"matchmaker", cancel_inference, coordinator},
  authority_rule{"matchmaker", held_requests_query, coordinator},
  authority_rule{"matchmaker", worker_register, member},
  authority_rule{"matchmaker", worker_heartbeat, member},
  authority_rule{"matchmaker", worker_leave, member},
  authority_rule{"matchmaker", token_chunk, member},
  authority_rule{"matchmaker", inference_failed, member},
  authority_rule{"matchmaker", completion_receipt, member},
  // Workers take jobs and cancels from the matchmaker only.
  authority_rule{"gpu_worker", inference_job, coordinator},
  authority_rule{"gpu_worker", cancel_inference, coordinator},
  // Gateways and bridges take their streams from the matchmaker only.
  authority_rule{"gateway", token_chunk, coordinator},
  authority_rule{"gateway", inference_failed, coordinator},
  authority_rule{"gateway", completion_receipt, coordinator},
  authority_rule{"http_bridge", token_chunk, coordinator},
  authority_rule{"http_bridge", inference_failed, coordinator},
  authority_rule{"http_bridge", completion_receipt, coordinator},
  // Settlement: money in and epochs by the operator; escrow, settlement and receipts by
  // coordinators; a member stakes, unbonds and reads only its own account (checked in the actor).
  authority_rule{"settlement", ledger_deposit, operator_},
  authority_rule{"settlement", epoch_close, operator_},
  authority_rule{"settlement", ledger_stake, member},
  authority_rule{"settlement", ledger_unbond, member},
  authority_rule{"settlement", ledger_withdraw_unbonded, member},
  authority_rule{"settlement", escrow_request, coordinator},
  authority_rule{"settlement", refund_request, coordinator},
  authority_rule{"settlement", settle_receipt, coordinator},
  authority_rule{"settlement", completion_receipt, coordinator},
  authority_rule{"settlement", verdict_message, member},
  authority_rule{"settlement", balance_query, member},
  authority_rule{"settlement", stake_query, member},
  authority_rule{"settlement", message_type::account_history_query, member},
  // Epoch roots and the chain check for anyone; accounts and entries only for coordinators
  // (the settlement actor withholds them from others).
  authority_rule{"settlement", ledger_view_query, anyone},
  // A request's ledger entries (`infergrid trace`): for coordinators (operators) only.
  authority_rule{"settlement", entries_query, coordinator},
  // Withdrawals through the vault: signed by the account's chain key (checked in the actor); the
  // balances tree is public.
  authority_rule{"settlement", message_type::chain_withdrawal_request, anyone},
  authority_rule{"settlement", message_type::chain_withdrawal_proof_query, anyone},
  // Slashing on the vault: chain identities are public (the vault holds them); a validator's slash
  // signature is checked against its bound chain address in the actor.
  authority_rule{"settlement", message_type::chain_identity_query, anyone},
  authority_rule{"settlement", message_type::chain_slash_signature, member},
};
// clang-format on

}  // namespace

role_mask allowed_senders(std::string_view recipient_kind, message_type type) {
  role_mask fallback = 0;
  for (const authority_rule& rule : rules) {
    if (rule.type != type) continue;
    if (rule.recipient_kind == recipient_kind) return rule.allowed;
    if (rule.recipient_kind == "*") fallback = rule.allowed;
  }
  return fallback;
}

role_mask with_implied_roles(role_mask granted) {
  role_mask roles = granted | role_anyone;
  if ((roles & role_operator) != 0) roles |= role_coordinator;
  if ((roles & role_coordinator) != 0) roles |= role_member;
  return roles;
}

std::string_view role_name(role_mask roles) {
  if ((roles & role_operator) != 0) return "operator";
  if ((roles & role_coordinator) != 0) return "coordinator";
  if ((roles & role_member) != 0) return "member";
  if ((roles & role_anyone) != 0) return "anyone";
  return "nobody";
}

}  // namespace infergrid

#pragma once
// identity_binding: a node's statement that its Ed25519 identity (runtime/identity.hpp) and a
// secp256k1 chain address are the same party. The chain address proves itself by sending
// SettlementVault.bindIdentity; the Ed25519 key signs
//   "infergrid.identity.v1" | chain_id (32 bytes big-endian) | vault (20 bytes) | account (20 bytes)
// and the vault keeps the statement in an IdentityBound event for anyone to check.
#include "actors/settlement/chain/vault_events.hpp"
#include "runtime/identity.hpp"

namespace infergrid::chain {

bytes identity_statement(std::uint64_t chain_id, const address& vault, const address& account);
bytes sign_identity_binding(const identity& node, std::uint64_t chain_id, const address& vault, const address& account);
// Checks an IdentityBound event's Ed25519 signature against its own statement.
status verify_identity_binding(const identity_bound_event& event, std::uint64_t chain_id, const address& vault);

}  // namespace infergrid::chain

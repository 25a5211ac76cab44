#pragma once
// authority: the one table of who may send which message to which kind of actor over the network.
// The tcp ingress checks every signed envelope against it before delivery; messages between actors
// of the same process are not checked (they never leave it). A message type with no row for the
// recipient's kind (nor a "*" row) is refused: new message types must add their rows here.
//
// Roles are cumulative — an operator is also a coordinator, a coordinator also a member:
//   anyone       any valid signature (pings, health, supply, replies matched by correlation id)
//   member       a key admitted to the grid: listed in security.members, a configured peer, or any
//                key when security.admit is open (permissionless); workers, validators
//   coordinator  security.coordinators or a configured peer (gateways, bridges, matchmakers)
//   operator     security.operators: mints money, closes epochs, stakes for others
// Finer checks that need the body (a worker's id must be its signing key, a cancel must come from
// the request's submitter, a miner stakes only its own account) live in the receiving actor, which
// asks actor_context::sender_roles()/sender_key() about the envelope it handles.
#include <cstdint>
#include <string_view>

#include "messages/ids.hpp"

namespace infergrid {

using role_mask = std::uint8_t;
inline constexpr role_mask role_anyone = 1;
inline constexpr role_mask role_member = 2;
inline constexpr role_mask role_coordinator = 4;
inline constexpr role_mask role_operator = 8;
// Every role: what a message from inside this process holds.
inline constexpr role_mask role_local = role_anyone | role_member | role_coordinator | role_operator;

struct authority_rule {
  std::string_view recipient_kind;  // an actor kind, or "*" for any kind without its own row
  message_type type;
  role_mask allowed;                // any of these roles may send it
};

// The roles allowed to send `type` to an actor of `recipient_kind`; 0 = nobody from outside.
role_mask allowed_senders(std::string_view recipient_kind, message_type type);
// Cumulative roles of a key from the bits it was granted directly.
role_mask with_implied_roles(role_mask granted);
std::string_view role_name(role_mask roles);  // the highest role in the mask

}  // namespace infergrid

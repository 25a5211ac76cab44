#pragma once
// refusal_answer: what the ingress tells a sender whose envelope the gate refused. Only the refusal
// of a verified key on its own pinned address that lacks the authority for the message (code
// permission_denied), or that names an actor this node does not have or another node's name for
// this endpoint (not_found), is answered,
// so the sender learns at once what is wrong instead of waiting out its
// deadline — and the ingress may learn where that node wants replies, as for an admitted envelope.
// Every other refusal — unsigned, forged, tampered, replayed, a key other than the address's pinned
// one, an unknown version, addresses that disagree with the route — may come from anyone and is
// only counted and logged: answering it would let a stranger aim this node's envelopes elsewhere
// (or re-point where a node's replies go). Error replies are never answered (no loops).
#include <cstdint>
#include <string_view>

#include "messages/envelope.hpp"
#include "runtime/result.hpp"

namespace infergrid {

// Refusals an ingress answers per second at most (each answer is one small envelope).
inline constexpr int refusal_answers_per_second = 50;

// The address refusal answers come from: "<node>/_ingress".
inline constexpr std::string_view refusal_answerer = "_ingress";

bool answers_refusal(const envelope& refused, const error& why);

// The unsigned error_reply to `refused` (its correlation id the refused message's id), from
// "<node_name>/_ingress" to its sender, saying which node refused it and why.
envelope refusal_answer(const envelope& refused, const error& why, std::string_view node_name, std::uint64_t message_id,
                        std::int64_t now_ms);

}  // namespace infergrid

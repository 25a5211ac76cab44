#pragma once
// envelope: what travels on the bus. A header (who, what, when, which conversation) around a
// MessagePack body holding exactly one message struct, optionally signed with Ed25519.
// Wire form (MessagePack array, fields appended only):
//   [protocol_version, type, message_version, message_id, correlation_id, sender, recipient,
//    sent_at_ms, deadline_ms, body(bin), signer(bin32|nil), signature(bin64|nil)[, scope]]
// Scope `envelope` (the 13th field omitted): the signature covers the canonical encoding of the
// first ten fields (see signing_bytes()). Scope `transport_link` (13th field 1): the signature is
// the signer's link binding (runtime/link_binding.hpp) — its statement that envelopes it sends over
// a CurveZMQ link authenticated by one transport key are its own; the receiving ingress admits
// such an envelope only from a connection authenticated by that very key (CurveZMQ then vouches
// for every byte), so an envelope between curve nodes costs no Ed25519 signing or checking.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/ids.hpp"
#include "runtime/identity.hpp"

namespace infergrid {

// Bumped only for an incompatible change of the envelope layout itself.
inline constexpr std::uint16_t current_protocol_version = 1;

// What an envelope's signature covers.
enum class signature_scope : std::uint8_t { envelope = 0, transport_link = 1 };

struct envelope_signature {
  public_key signer{};
  signature value{};
  signature_scope scope = signature_scope::envelope;
};

struct envelope {
  std::uint16_t protocol_version = current_protocol_version;
  message_type type{};
  std::uint16_t message_version = 0;  // the body struct's `version`
  std::uint64_t message_id = 0;       // unique per sender
  std::uint64_t correlation_id = 0;   // message_id of the request this answers; 0 = none
  std::string sender;                 // "node/actor"
  std::string recipient;              // "node/actor" or "actor"
  std::int64_t sent_at_ms = 0;        // Unix time
  std::int64_t deadline_ms = 0;       // Unix time after which nobody waits for it; 0 = none
  std::vector<std::uint8_t> body;     // MessagePack of the message struct
  std::optional<envelope_signature> signature;
};

}  // namespace infergrid

#pragma once
// codec: envelope <-> bytes. Decoding checks size, protocol version and type tag before it looks
// at the body and never throws: every bad input becomes an error value —
//   too_large        over codec_limits::max_envelope_bytes
//   malformed_input  truncated, trailing bytes, wrong MessagePack types, over-long fields
//   unsupported      unknown protocol version or a type tag no message registered
//   bad_signature    a signature that does not verify (verify_envelope)
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "messages/envelope.hpp"
#include "runtime/result.hpp"

namespace infergrid {

struct codec_limits {
  // Largest envelope accepted from the wire; bigger input is rejected before parsing.
  std::size_t max_envelope_bytes = 16u << 20;
  // Longest sender/recipient address ("node/actor").
  std::size_t max_address_bytes = 256;
};

void encode_envelope(const envelope& message, std::vector<std::uint8_t>& out);
std::vector<std::uint8_t> encode_envelope(const envelope& message);
result<envelope> decode_envelope(std::span<const std::uint8_t> bytes, const codec_limits& limits = {});
// Same, reusing `out`'s storage (the runtime decodes every incoming message into one envelope).
// On error `out` holds a partial decode and must not be used.
status decode_envelope_into(std::span<const std::uint8_t> bytes, const codec_limits& limits, envelope& out);

// Canonical bytes a signature covers: the header fields and the body, without the signature.
std::vector<std::uint8_t> signing_bytes(const envelope& message);
void sign_envelope(envelope& message, const identity& signer);
// ok when the signature verifies, or when there is none and require_signature is false; a
// transport_link signature is an error here (only the ingress, which knows the link, can check it).
status verify_envelope(const envelope& message, bool require_signature);

}  // namespace infergrid

#include "messages/codec.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include <msgpack.hpp>

#include "messages/body.hpp"
#include "messages/message_registry.hpp"
#include "messages/msgpack_reader.hpp"

namespace infergrid {
namespace {

// Fields of protocol version 1 (see envelope.hpp); later versions may append more.
constexpr std::uint32_t header_field_count = 10;
constexpr std::uint32_t envelope_field_count = 12;

bool reference_everything(msgpack::type::object_type, std::size_t, void*) { return true; }

// The most array and map elements (a map pair counts two) one body may declare. Unpacking builds
// one msgpack::object (24 bytes) per declared element up front — before it reads them, so 64
// nested arrays each declaring the body's size in elements took 64 × 24 bytes per body byte — and
// an element can take one byte, so a 16 MiB body of one-byte elements built ~400 MiB; now at most
// ~50 MiB. Bodies that carry real data stay far below: a 128k-token prompt and output are ~256k.
constexpr std::size_t max_body_elements = 2u << 20;
constexpr std::size_t max_unpack_depth = 64;
// A body this small cannot declare more, even nested to the deepest: it is not counted first.
constexpr std::size_t uncounted_body_bytes = max_body_elements / max_unpack_depth;

// Counts the elements a body's arrays and maps declare, building nothing; it stops past
// max_body_elements (or max_unpack_depth, which the unpack then reports).
struct element_counter : msgpack::null_visitor {
  std::size_t elements = 0;
  std::size_t depth = 0;
  bool start_array(std::uint32_t count) { return open(count); }
  bool start_map(std::uint32_t pairs) { return open(2 * static_cast<std::size_t>(pairs)); }
  bool end_array() { return close(); }
  bool end_map() { return close(); }
  bool open(std::size_t count) {
    elements += count;
    return elements <= max_body_elements && ++depth <= max_unpack_depth;
  }
  bool close() {
    --depth;
    return true;
  }
  void parse_error(std::size_t, std::size_t) {}
  void insufficient_bytes(std::size_t, std::size_t) {}
};

error malformed(std::string what) { return make_error(error_code::malformed_input, "envelope: " + std::move(what)); }

template <class Integer>
status read_narrow(msgpack_reader& in, Integer& out, const char* field) {
  auto value = in.read_unsigned(field);
  if (!value.ok()) return value.err();
  if (*value > std::numeric_limits<Integer>::max()) return malformed(std::string(field) + " is out of range");
  out = static_cast<Integer>(*value);
  return {};
}

status read_address(msgpack_reader& in, const codec_limits& limits, std::string& out, const char* field) {
  auto text = in.read_str(field);
  if (!text.ok()) return text.err();
  if (text->size() > limits.max_address_bytes) return malformed(std::string(field) + " is longer than the address limit");
  out.assign(text->data(), text->size());
  return {};
}

template <std::size_t N>
status read_fixed_bin(msgpack_reader& in, std::array<std::uint8_t, N>& out, const char* field) {
  auto bytes = in.read_bin(field);
  if (!bytes.ok()) return bytes.err();
  if (bytes->size() != N) return malformed(std::string(field) + " is not " + std::to_string(N) + " bytes");
  std::memcpy(out.data(), bytes->data(), N);
  return {};
}

template <class Packer>
void pack_header_and_body(Packer& packer, const envelope& m) {
  packer.pack(m.protocol_version);
  packer.pack(static_cast<std::uint16_t>(m.type));
  packer.pack(m.message_version);
  packer.pack(m.message_id);
  packer.pack(m.correlation_id);
  packer.pack(m.sender);
  packer.pack(m.recipient);
  packer.pack(m.sent_at_ms);
  packer.pack(m.deadline_ms);
  packer.pack_bin(static_cast<std::uint32_t>(m.body.size()));
  packer.pack_bin_body(reinterpret_cast<const char*>(m.body.data()), static_cast<std::uint32_t>(m.body.size()));
}

status decode_header(msgpack_reader& in, const codec_limits& limits, envelope& out) {
  IG_TRY(read_narrow(in, out.protocol_version, "protocol_version"));
  if (out.protocol_version != current_protocol_version) {
    return make_error(error_code::unsupported,
                      "envelope: protocol version " + std::to_string(out.protocol_version) + " is not supported");
  }
  std::uint16_t type = 0;
  IG_TRY(read_narrow(in, type, "type"));
  out.type = static_cast<message_type>(type);
  if (find_message(out.type) == nullptr) {
    return make_error(error_code::unsupported, "envelope: unknown message type " + std::to_string(type));
  }
  IG_TRY(read_narrow(in, out.message_version, "message_version"));
  IG_TRY(read_narrow(in, out.message_id, "message_id"));
  IG_TRY(read_narrow(in, out.correlation_id, "correlation_id"));
  IG_TRY(read_address(in, limits, out.sender, "sender"));
  IG_TRY(read_address(in, limits, out.recipient, "recipient"));
  auto sent_at = in.read_signed("sent_at_ms");
  if (!sent_at.ok()) return sent_at.err();
  out.sent_at_ms = *sent_at;
  auto deadline = in.read_signed("deadline_ms");
  if (!deadline.ok()) return deadline.err();
  out.deadline_ms = *deadline;
  return {};
}

status decode_signature(msgpack_reader& in, envelope& out) {
  out.signature.reset();
  const bool no_signer = in.read_nil();
  const bool no_value = in.read_nil();
  if (no_signer && no_value) return {};
  if (no_signer || no_value) return malformed("signer and signature must both be present or both nil");
  envelope_signature signature;
  IG_TRY(read_fixed_bin(in, signature.signer, "signer"));
  IG_TRY(read_fixed_bin(in, signature.value, "signature"));
  out.signature = signature;
  return {};
}

}  // namespace

result<msgpack::object> unpack_untrusted_scratch(std::span<const std::uint8_t> bytes) {
  // clear() frees every chunk but the first, so a huge body does not pin memory.
  thread_local msgpack::zone scratch;
  scratch.clear();
  const auto size = bytes.size();
  const auto bound = static_cast<std::size_t>(size < 0xffffffffu ? size : 0xffffffffu);
  msgpack::unpack_limit limit(bound, bound, bound, bound, bound, max_unpack_depth);
  try {
    element_counter counter;
    std::size_t counted = 0;
    if (size > uncounted_body_bytes &&
        !msgpack::parse(reinterpret_cast<const char*>(bytes.data()), size, counted, counter) &&
        counter.elements > max_body_elements) {
      return make_error(error_code::too_large, "MessagePack body declares more than " +
                                                   std::to_string(max_body_elements) + " array and map elements");
    }
    std::size_t offset = 0;
    bool referenced = false;
    auto object = msgpack::unpack(scratch, reinterpret_cast<const char*>(bytes.data()), size, offset, referenced,
                                  &reference_everything, nullptr, limit);
    if (offset != size) return make_error(error_code::malformed_input, "trailing bytes after the MessagePack object");
    return object;
  } catch (const msgpack::insufficient_bytes&) {
    return make_error(error_code::malformed_input, "truncated MessagePack input");
  } catch (const std::exception& e) {
    return make_error(error_code::malformed_input, std::string("invalid MessagePack: ") + e.what());
  }
}

void encode_envelope(const envelope& m, std::vector<std::uint8_t>& out) {
  out.reserve(out.size() + m.body.size() + 96 + m.sender.size() + m.recipient.size());
  byte_writer writer{out};
  msgpack::packer<byte_writer> packer(writer);
  const bool link_scope = m.signature && m.signature->scope == signature_scope::transport_link;
  packer.pack_array(envelope_field_count + (link_scope ? 1 : 0));
  pack_header_and_body(packer, m);
  if (m.signature) {
    packer.pack_bin(32);
    packer.pack_bin_body(reinterpret_cast<const char*>(m.signature->signer.data()), 32);
    packer.pack_bin(64);
    packer.pack_bin_body(reinterpret_cast<const char*>(m.signature->value.data()), 64);
    if (link_scope) packer.pack(static_cast<std::uint8_t>(signature_scope::transport_link));
  } else {
    packer.pack_nil();
    packer.pack_nil();
  }
}

std::vector<std::uint8_t> encode_envelope(const envelope& m) {
  std::vector<std::uint8_t> out;
  encode_envelope(m, out);
  return out;
}

status decode_envelope_into(std::span<const std::uint8_t> bytes, const codec_limits& limits, envelope& out) {
  if (bytes.size() > limits.max_envelope_bytes) {
    return make_error(error_code::too_large, "envelope of " + std::to_string(bytes.size()) +
                                                 " bytes exceeds the limit of " + std::to_string(limits.max_envelope_bytes));
  }
  msgpack_reader in(bytes);
  auto fields = in.read_array_header("envelope");
  if (!fields.ok()) return fields.err();
  if (*fields < envelope_field_count) {
    return malformed("has " + std::to_string(*fields) + " fields, expected " + std::to_string(envelope_field_count));
  }
  IG_TRY(decode_header(in, limits, out));
  auto body = in.read_bin("body");
  if (!body.ok()) return body.err();
  out.body.assign(body->begin(), body->end());
  IG_TRY(decode_signature(in, out));
  std::uint32_t known = envelope_field_count;
  if (*fields > known) {
    ++known;
    auto scope = in.read_unsigned("signature scope");
    if (!scope.ok()) return scope.err();
    if (*scope > static_cast<std::uint64_t>(signature_scope::transport_link)) {
      return malformed("unknown signature scope " + std::to_string(*scope));
    }
    if (*scope != 0 && !out.signature) return malformed("a signature scope without a signature");
    if (out.signature) out.signature->scope = static_cast<signature_scope>(*scope);
  }
  // Fields appended by a later protocol revision are skipped.
  for (std::uint32_t extra = known; extra < *fields; ++extra) IG_TRY(in.skip_value("appended field"));
  if (in.remaining() != 0) return malformed("trailing bytes after the envelope");
  return {};
}

result<envelope> decode_envelope(std::span<const std::uint8_t> bytes, const codec_limits& limits) {
  envelope out;
  IG_TRY(decode_envelope_into(bytes, limits, out));
  return out;
}

std::vector<std::uint8_t> signing_bytes(const envelope& m) {
  std::vector<std::uint8_t> out;
  byte_writer writer{out};
  msgpack::packer<byte_writer> packer(writer);
  packer.pack_array(header_field_count);
  pack_header_and_body(packer, m);
  return out;
}

void sign_envelope(envelope& m, const identity& signer) {
  m.signature.reset();
  const auto bytes = signing_bytes(m);
  m.signature = envelope_signature{signer.public_id(), signer.sign(bytes)};
}

status verify_envelope(const envelope& m, bool require_signature) {
  if (!m.signature) {
    if (require_signature) return make_error(error_code::bad_signature, "envelope is not signed");
    return {};
  }
  if (m.signature->scope != signature_scope::envelope) {
    return make_error(error_code::bad_signature, "the signature covers a transport link, not the envelope");
  }
  const auto bytes = signing_bytes(m);
  if (!verify_signature(m.signature->signer, bytes, m.signature->value)) {
    return make_error(error_code::bad_signature, "envelope signature does not verify");
  }
  return {};
}

}  // namespace infergrid

#include "messages/codec.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

#include <msgpack.hpp>

#include "messages/body.hpp"
#include "messages/message_registry.hpp"

namespace infergrid {
namespace {

// Fields of protocol version 1 (see envelope.hpp); later versions may append more.
constexpr std::uint32_t header_field_count = 10;
constexpr std::uint32_t envelope_field_count = 12;

bool reference_everything(msgpack::type::object_type, std::size_t, void*) { return true; }

error malformed(std::string what) { return make_error(error_code::malformed_input, "envelope: " + std::move(what)); }

result<std::uint64_t> read_unsigned(const msgpack::object& o, std::uint64_t max, const char* field) {
  if (o.type != msgpack::type::POSITIVE_INTEGER) return malformed(std::string(field) + " is not an unsigned integer");
  if (o.via.u64 > max) return malformed(std::string(field) + " is out of range");
  return o.via.u64;
}

result<std::int64_t> read_signed(const msgpack::object& o, const char* field) {
  if (o.type == msgpack::type::NEGATIVE_INTEGER) return o.via.i64;
  if (o.type == msgpack::type::POSITIVE_INTEGER && o.via.u64 <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(o.via.u64);
  }
  return malformed(std::string(field) + " is not a signed 64-bit integer");
}

result<std::string> read_address(const msgpack::object& o, const codec_limits& limits, const char* field) {
  if (o.type != msgpack::type::STR) return malformed(std::string(field) + " is not a string");
  if (o.via.str.size > limits.max_address_bytes) return malformed(std::string(field) + " is longer than the address limit");
  return std::string(o.via.str.ptr, o.via.str.size);
}

template <std::size_t N>
result<std::array<std::uint8_t, N>> read_fixed_bin(const msgpack::object& o, const char* field) {
  if (o.type != msgpack::type::BIN || o.via.bin.size != N) {
    return malformed(std::string(field) + " is not " + std::to_string(N) + " bytes");
  }
  std::array<std::uint8_t, N> out{};
  std::memcpy(out.data(), o.via.bin.ptr, N);
  return out;
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

status decode_header(const msgpack::object* f, const codec_limits& limits, envelope& out) {
  auto version = read_unsigned(f[0], UINT16_MAX, "protocol_version");
  if (!version.ok()) return version.err();
  if (*version != current_protocol_version) {
    return make_error(error_code::unsupported, "envelope: protocol version " + std::to_string(*version) + " is not supported");
  }
  out.protocol_version = static_cast<std::uint16_t>(*version);
  auto type = read_unsigned(f[1], UINT16_MAX, "type");
  if (!type.ok()) return type.err();
  out.type = static_cast<message_type>(*type);
  if (find_message(out.type) == nullptr) {
    return make_error(error_code::unsupported, "envelope: unknown message type " + std::to_string(*type));
  }
  auto message_version = read_unsigned(f[2], UINT16_MAX, "message_version");
  if (!message_version.ok()) return message_version.err();
  out.message_version = static_cast<std::uint16_t>(*message_version);
  auto message_id = read_unsigned(f[3], UINT64_MAX, "message_id");
  if (!message_id.ok()) return message_id.err();
  out.message_id = *message_id;
  auto correlation_id = read_unsigned(f[4], UINT64_MAX, "correlation_id");
  if (!correlation_id.ok()) return correlation_id.err();
  out.correlation_id = *correlation_id;
  auto sender = read_address(f[5], limits, "sender");
  if (!sender.ok()) return sender.err();
  out.sender = std::move(*sender);
  auto recipient = read_address(f[6], limits, "recipient");
  if (!recipient.ok()) return recipient.err();
  out.recipient = std::move(*recipient);
  auto sent_at = read_signed(f[7], "sent_at_ms");
  if (!sent_at.ok()) return sent_at.err();
  out.sent_at_ms = *sent_at;
  auto deadline = read_signed(f[8], "deadline_ms");
  if (!deadline.ok()) return deadline.err();
  out.deadline_ms = *deadline;
  return {};
}

status decode_signature(const msgpack::object* f, envelope& out) {
  const bool has_signer = f[10].type != msgpack::type::NIL;
  const bool has_value = f[11].type != msgpack::type::NIL;
  if (!has_signer && !has_value) return {};
  if (has_signer != has_value) return malformed("signer and signature must both be present or both nil");
  auto signer = read_fixed_bin<32>(f[10], "signer");
  if (!signer.ok()) return signer.err();
  auto value = read_fixed_bin<64>(f[11], "signature");
  if (!value.ok()) return value.err();
  out.signature = envelope_signature{*signer, *value};
  return {};
}

}  // namespace

result<msgpack::object_handle> unpack_untrusted(std::span<const std::uint8_t> bytes) {
  const auto size = bytes.size();
  // Every element takes at least one byte, so no honest container is longer than the input.
  const auto bound = static_cast<std::size_t>(size < 0xffffffffu ? size : 0xffffffffu);
  msgpack::unpack_limit limit(bound, bound, bound, bound, bound, 64);
  try {
    std::size_t offset = 0;
    auto handle = msgpack::unpack(reinterpret_cast<const char*>(bytes.data()), size, offset,
                                  &reference_everything, nullptr, limit);
    if (offset != size) return make_error(error_code::malformed_input, "trailing bytes after the MessagePack object");
    return handle;
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
  packer.pack_array(envelope_field_count);
  pack_header_and_body(packer, m);
  if (m.signature) {
    packer.pack_bin(32);
    packer.pack_bin_body(reinterpret_cast<const char*>(m.signature->signer.data()), 32);
    packer.pack_bin(64);
    packer.pack_bin_body(reinterpret_cast<const char*>(m.signature->value.data()), 64);
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

result<envelope> decode_envelope(std::span<const std::uint8_t> bytes, const codec_limits& limits) {
  if (bytes.size() > limits.max_envelope_bytes) {
    return make_error(error_code::too_large, "envelope of " + std::to_string(bytes.size()) + " bytes exceeds the limit of " +
                                                 std::to_string(limits.max_envelope_bytes));
  }
  auto handle = unpack_untrusted(bytes);
  if (!handle.ok()) return make_error(handle.err().code, "envelope: " + handle.err().message);
  const msgpack::object& root = handle->get();
  if (root.type != msgpack::type::ARRAY) return malformed("not a MessagePack array");
  if (root.via.array.size < envelope_field_count) {
    return malformed("has " + std::to_string(root.via.array.size) + " fields, expected " + std::to_string(envelope_field_count));
  }
  const msgpack::object* fields = root.via.array.ptr;
  envelope out;
  IG_TRY(decode_header(fields, limits, out));
  if (fields[9].type != msgpack::type::BIN) return malformed("body is not binary");
  const auto* body = reinterpret_cast<const std::uint8_t*>(fields[9].via.bin.ptr);
  out.body.assign(body, body + fields[9].via.bin.size);
  IG_TRY(decode_signature(fields, out));
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
  const auto bytes = signing_bytes(m);
  if (!verify_signature(m.signature->signer, bytes, m.signature->value)) {
    return make_error(error_code::bad_signature, "envelope signature does not verify");
  }
  return {};
}

}  // namespace infergrid

// Envelope codec: round trips, signatures, and garbage — every bad input is a typed error.
#include <gtest/gtest.h>

#include <random>

#include <sys/resource.h>

#include <msgpack.hpp>

#include "messages/body.hpp"
#include "messages/codec.hpp"
#include "messages/system.hpp"

namespace infergrid {
namespace {

envelope sample_envelope() {
  envelope e;
  e.type = message_type::ping;
  e.message_version = ping::version;
  e.message_id = 42;
  e.correlation_id = 7;
  e.sender = "node-a/pinger";
  e.recipient = "node-b/ponger";
  e.sent_at_ms = 1'700'000'000'000;
  e.deadline_ms = 1'700'000'005'000;
  e.body = encode_body(ping{9, {1, 2, 3, 4}});
  return e;
}

void expect_same(const envelope& a, const envelope& b) {
  EXPECT_EQ(a.protocol_version, b.protocol_version);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.message_version, b.message_version);
  EXPECT_EQ(a.message_id, b.message_id);
  EXPECT_EQ(a.correlation_id, b.correlation_id);
  EXPECT_EQ(a.sender, b.sender);
  EXPECT_EQ(a.recipient, b.recipient);
  EXPECT_EQ(a.sent_at_ms, b.sent_at_ms);
  EXPECT_EQ(a.deadline_ms, b.deadline_ms);
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.signature.has_value(), b.signature.has_value());
}

TEST(codec, envelope_round_trips_every_field) {
  const auto original = sample_envelope();
  auto decoded = decode_envelope(encode_envelope(original));
  ASSERT_TRUE(decoded.ok()) << decoded.err().message;
  expect_same(original, *decoded);
  auto body = decode_body<ping>(decoded->body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->sequence, 9u);
  EXPECT_EQ(body->payload, (std::vector<std::uint8_t>{1, 2, 3, 4}));
}

TEST(codec, every_registered_message_type_round_trips) {
  const auto messages = registered_messages();
  ASSERT_GE(messages.size(), 5u);
  for (const message_info* info : messages) {
    SCOPED_TRACE(std::string(info->name));
    EXPECT_TRUE(info->round_trip().ok());
    envelope e = sample_envelope();
    e.type = info->type;
    e.message_version = info->version;
    auto decoded = decode_envelope(encode_envelope(e));
    ASSERT_TRUE(decoded.ok()) << decoded.err().message;
    expect_same(e, *decoded);
  }
}

TEST(codec, no_two_message_structs_share_a_tag) { EXPECT_TRUE(message_registry_conflicts().empty()); }

TEST(codec, a_signed_envelope_verifies_and_any_tampering_is_bad_signature) {
  auto signer = identity::generate();
  auto e = sample_envelope();
  sign_envelope(e, signer);
  auto decoded = decode_envelope(encode_envelope(e));
  ASSERT_TRUE(decoded.ok());
  ASSERT_TRUE(decoded->signature.has_value());
  EXPECT_TRUE(verify_envelope(*decoded, true).ok());

  auto tampered = *decoded;
  tampered.body.back() ^= 1;
  auto verdict = verify_envelope(tampered, true);
  ASSERT_FALSE(verdict.ok());
  EXPECT_EQ(verdict.err().code, error_code::bad_signature);

  tampered = *decoded;
  tampered.recipient = "node-b/someone-else";
  EXPECT_EQ(verify_envelope(tampered, false).err().code, error_code::bad_signature);

  auto unsigned_envelope = sample_envelope();
  EXPECT_TRUE(verify_envelope(unsigned_envelope, false).ok());
  EXPECT_EQ(verify_envelope(unsigned_envelope, true).err().code, error_code::bad_signature);
}

// A transport_link signature (runtime/link_binding.hpp) travels as a 13th field; an envelope
// without it reads as an envelope-scope signature, as every node before the field wrote it.
TEST(codec, a_link_scope_round_trips_and_never_verifies_as_an_envelope_signature) {
  auto signer = identity::generate();
  auto e = sample_envelope();
  e.signature = envelope_signature{signer.public_id(), signer.sign(std::vector<std::uint8_t>{1, 2, 3}),
                                   signature_scope::transport_link};
  auto decoded = decode_envelope(encode_envelope(e));
  ASSERT_TRUE(decoded.ok()) << decoded.err().message;
  ASSERT_TRUE(decoded->signature.has_value());
  EXPECT_EQ(decoded->signature->scope, signature_scope::transport_link);
  EXPECT_EQ(decoded->signature->signer, signer.public_id());
  EXPECT_EQ(decoded->signature->value, e.signature->value);
  EXPECT_EQ(verify_envelope(*decoded, true).err().code, error_code::bad_signature);

  sign_envelope(e, signer);
  const auto plain = encode_envelope(e);
  EXPECT_EQ(plain[0], 0x9c) << "an envelope-scope signature keeps the 12-field layout";
  auto old_layout = decode_envelope(plain);
  ASSERT_TRUE(old_layout.ok());
  EXPECT_EQ(old_layout->signature->scope, signature_scope::envelope);
  EXPECT_TRUE(verify_envelope(*old_layout, true).ok());

  // A scope nobody defined, and a scope on an unsigned envelope, are malformed.
  auto unknown = plain;
  unknown[0] = 0x9d;
  unknown.push_back(2);
  EXPECT_EQ(decode_envelope(unknown).err().code, error_code::malformed_input);
  auto bare = encode_envelope(sample_envelope());
  bare[0] = 0x9d;
  bare.push_back(1);
  EXPECT_EQ(decode_envelope(bare).err().code, error_code::malformed_input);
  // Later appended fields after the scope are still skipped.
  auto later = plain;
  later[0] = 0x9e;
  later.push_back(0);
  later.push_back(0xc0);
  EXPECT_TRUE(decode_envelope(later).ok());
}

TEST(codec, oversized_input_is_too_large_before_parsing) {
  auto e = sample_envelope();
  e.body.assign(4096, 0xAB);
  const auto bytes = encode_envelope(e);
  auto decoded = decode_envelope(bytes, codec_limits{1024});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.err().code, error_code::too_large);
  EXPECT_TRUE(decode_envelope(bytes, codec_limits{bytes.size()}).ok());
}

// A body of `count` one-byte elements: [[0, 0, …]].
std::vector<std::uint8_t> body_of_one_byte_elements(std::size_t count) {
  std::vector<std::uint8_t> bytes;
  byte_writer writer{bytes};
  msgpack::packer<byte_writer> packer(writer);
  packer.pack_array(1);
  packer.pack_array(static_cast<std::uint32_t>(count));
  bytes.resize(bytes.size() + count, 0x00);
  return bytes;
}

std::int64_t peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

TEST(codec, a_body_declaring_millions_of_tiny_elements_is_too_large_without_building_them) {
  // Each element would become a 24-byte msgpack::object: 16 MiB of them, ~400 MiB.
  const auto flood = body_of_one_byte_elements(16u << 20);
  const std::int64_t before_kb = peak_rss_kb();
  auto refused = unpack_untrusted_scratch(flood);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.err().code, error_code::too_large);
  EXPECT_NE(refused.err().message.find("2097152 array and map elements"), std::string::npos) << refused.err().message;
  EXPECT_LT(peak_rss_kb() - before_kb, 64 * 1024) << "the body was built before it was refused";
  // Elements in nested arrays and maps count together; a map pair counts two.
  std::vector<std::uint8_t> nested;
  {
    byte_writer writer{nested};
    msgpack::packer<byte_writer> packer(writer);
    packer.pack_array(2);
    packer.pack_map(600'000);
    for (int i = 0; i < 600'000; ++i) {
      packer.pack(0);
      packer.pack(0);
    }
    packer.pack_array(1'000'000);
    nested.resize(nested.size() + 1'000'000, 0x00);
  }
  EXPECT_EQ(unpack_untrusted_scratch(nested).err().code, error_code::too_large);
  // Counts are declared before their elements are read: 64 nested arrays of a 40 kB body, each
  // declaring 40,000 elements, would build 64 × 40,000 objects (61 MB) before running out of bytes.
  std::vector<std::uint8_t> lying;
  for (int level = 0; level < 64; ++level) lying.insert(lying.end(), {0xdd, 0x00, 0x00, 0x9c, 0x40});
  lying.resize(40'000, 0x00);
  EXPECT_EQ(unpack_untrusted_scratch(lying).err().code, error_code::too_large);
  // Up to the bound, a body decodes as before.
  EXPECT_TRUE(unpack_untrusted_scratch(body_of_one_byte_elements((2u << 20) - 1)).ok());
}

TEST(codec, unknown_protocol_version_and_unknown_type_are_unsupported) {
  auto e = sample_envelope();
  e.protocol_version = current_protocol_version + 1;
  EXPECT_EQ(decode_envelope(encode_envelope(e)).err().code, error_code::unsupported);
  e = sample_envelope();
  e.type = static_cast<message_type>(999);
  EXPECT_EQ(decode_envelope(encode_envelope(e)).err().code, error_code::unsupported);
}

TEST(codec, every_truncation_is_malformed) {
  const auto bytes = encode_envelope(sample_envelope());
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    auto decoded = decode_envelope({bytes.data(), size});
    ASSERT_FALSE(decoded.ok()) << "prefix of " << size << " bytes decoded";
    EXPECT_EQ(decoded.err().code, error_code::malformed_input) << size;
  }
}

std::vector<std::uint8_t> pack_object(const auto& value) {
  std::vector<std::uint8_t> out;
  byte_writer writer{out};
  msgpack::pack(writer, value);
  return out;
}

TEST(codec, malformed_corpus_gives_typed_errors) {
  std::vector<std::vector<std::uint8_t>> corpus = {
      {},                                   // empty
      {0xc1},                               // never-used byte
      {0x93, 0x01, 0x02},                   // array claiming 3, holding 2
      {0xdd, 0xff, 0xff, 0xff, 0xff},       // array32 claiming 4 billion elements
      {0xc6, 0x7f, 0xff, 0xff, 0xff},       // bin32 claiming 2 GiB
      pack_object(std::string("not an envelope")),
      pack_object(std::vector<int>{1, 2, 3}),                              // too few fields
      pack_object(std::vector<std::string>(12, "x")),                      // every field the wrong type
      pack_object(std::map<std::string, int>{{"type", 2}}),                // a map
  };
  auto with_trailing = encode_envelope(sample_envelope());
  with_trailing.push_back(0x00);
  corpus.push_back(with_trailing);
  // Deep nesting: 100000 nested one-element arrays.
  std::vector<std::uint8_t> deep(100000, 0x91);
  deep.push_back(0x00);
  corpus.push_back(deep);
  // Right field count, negative message id.
  auto negative = encode_envelope(sample_envelope());
  corpus.push_back(negative);
  corpus.back()[4] = 0xff;  // message_id positive fixint 42 -> negative fixint -1
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    auto decoded = decode_envelope(corpus[i]);
    ASSERT_FALSE(decoded.ok()) << "corpus entry " << i << " decoded";
    EXPECT_TRUE(decoded.err().code == error_code::malformed_input || decoded.err().code == error_code::too_large)
        << "corpus entry " << i << ": " << decoded.err().message;
  }
}

TEST(codec, one_hundred_thousand_mutations_never_crash) {
  std::mt19937 random(20261127);
  auto signer = identity::from_seed(std::array<std::uint8_t, 32>{1});
  std::vector<std::vector<std::uint8_t>> seeds;
  seeds.push_back(encode_envelope(sample_envelope()));
  auto signed_envelope = sample_envelope();
  sign_envelope(signed_envelope, signer);
  seeds.push_back(encode_envelope(signed_envelope));
  auto report = sample_envelope();
  report.type = message_type::health_report;
  report.body = encode_body(health_report{"n", 5, {actor_metrics{"n/a", "health", 1, 2, 3, 4, 5, 6, 7}}});
  seeds.push_back(encode_envelope(report));

  int decoded_ok = 0;
  for (int round = 0; round < 100000; ++round) {
    auto bytes = seeds[static_cast<std::size_t>(round) % seeds.size()];
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int edit = 0; edit < edits && !bytes.empty(); ++edit) {
      const auto at = random() % bytes.size();
      switch (random() % 4) {
        case 0: bytes[at] = static_cast<std::uint8_t>(random()); break;          // overwrite
        case 1: bytes[at] ^= static_cast<std::uint8_t>(1u << (random() % 8)); break;  // flip a bit
        case 2: bytes.erase(bytes.begin() + static_cast<long>(at)); break;        // delete
        default: bytes.insert(bytes.begin() + static_cast<long>(at), static_cast<std::uint8_t>(random()));  // insert
      }
    }
    auto decoded = decode_envelope(bytes);
    if (decoded.ok()) {
      ++decoded_ok;
      // A valid decode must survive body decoding and signature checks as values too.
      (void)verify_envelope(*decoded, false);
      (void)decode_body<health_report>(decoded->body);
      (void)decode_body<ping>(decoded->body);
      continue;
    }
    const auto code = decoded.err().code;
    ASSERT_TRUE(code == error_code::malformed_input || code == error_code::unsupported || code == error_code::too_large)
        << decoded.err().message;
  }
  // Some mutations (e.g. of the body or timestamps) still decode; most do not.
  EXPECT_GT(decoded_ok, 0);
  EXPECT_LT(decoded_ok, 100000);
}

// pong as first shipped, before `responder` was appended.
struct old_pong {
  std::uint64_t sequence = 0;
  std::vector<std::uint8_t> payload;
  MSGPACK_DEFINE(sequence, payload)
};

TEST(codec, an_old_body_decodes_into_a_newer_struct_with_defaults) {
  auto decoded = decode_body<pong>(encode_body(old_pong{3, {9}}));
  ASSERT_TRUE(decoded.ok()) << decoded.err().message;
  EXPECT_EQ(decoded->sequence, 3u);
  EXPECT_EQ(decoded->payload, std::vector<std::uint8_t>{9});
  EXPECT_TRUE(decoded->responder.empty());
}

TEST(codec, a_body_of_the_wrong_shape_is_malformed) {
  auto decoded = decode_body<health_report>(encode_body(ping{1, {2}}));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.err().code, error_code::malformed_input);
}

}  // namespace
}  // namespace infergrid

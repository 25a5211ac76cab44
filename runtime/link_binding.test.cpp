// link_binding: a key's binding of a transport key holds for that key pair only, and a checked
// binding is remembered (the second check is a lookup) without letting a different value through;
// the ingress gate admits a link-bound envelope only over the link its binding names.
#include "runtime/link_binding.hpp"

#include <gtest/gtest.h>

#include "messages/codec.hpp"
#include "messages/system.hpp"
#include "runtime/actor_runner.hpp"
#include "runtime/curve_keys.hpp"
#include "runtime/envelope_gate.hpp"

namespace infergrid {
namespace {

TEST(link_binding, holds_only_for_the_key_and_transport_key_it_names) {
  const identity worker = identity::generate();
  const identity other = identity::generate();
  const std::string link = generate_curve_keypair().value().public_z85;
  const std::string elsewhere = generate_curve_keypair().value().public_z85;
  const signature binding = sign_link_binding(worker, link);
  link_binding_checks checks;
  EXPECT_TRUE(checks.holds(worker.public_id(), link, binding));
  EXPECT_TRUE(checks.holds(worker.public_id(), link, binding));  // remembered
  EXPECT_FALSE(checks.holds(worker.public_id(), elsewhere, binding)) << "a binding copied onto another link";
  EXPECT_FALSE(checks.holds(other.public_id(), link, binding)) << "another key claiming the binding";
  signature forged = binding;
  forged[5] ^= 1;
  EXPECT_FALSE(checks.holds(worker.public_id(), link, forged)) << "a remembered pair does not pass another value";
  EXPECT_FALSE(checks.holds(worker.public_id(), link.substr(0, 39), binding));
  EXPECT_FALSE(checks.holds(worker.public_id(), "", binding));
}

TEST(link_binding, sign_outgoing_binds_under_curve_and_signs_the_envelope_otherwise) {
  const identity key = identity::generate();
  envelope e;
  e.type = message_type::ping;
  e.message_version = 1;
  e.sender = "a/x";
  e.recipient = "b/y";
  sign_outgoing(e, key, std::nullopt);
  ASSERT_TRUE(e.signature.has_value());
  EXPECT_EQ(e.signature->scope, signature_scope::envelope);
  EXPECT_TRUE(verify_envelope(e, true).ok());

  const std::string link = generate_curve_keypair().value().public_z85;
  const signature binding = sign_link_binding(key, link);
  sign_outgoing(e, key, binding);
  EXPECT_EQ(e.signature->scope, signature_scope::transport_link);
  EXPECT_EQ(e.signature->signer, key.public_id());
  EXPECT_EQ(e.signature->value, binding);
}

// The ingress's gate: a link-bound envelope is admitted over the link its binding names, refused
// over another link and over plaintext; an envelope-scope signature still passes on any link.
TEST(link_binding, the_gate_admits_a_binding_only_on_its_own_link) {
  security_config security;
  security.open_admission = true;
  peer_trust trust(security, {});
  envelope_gate gate("here", security, trust, [](std::string_view) { return std::optional<std::string>("health"); });
  const identity sender = identity::generate();
  const std::string link = generate_curve_keypair().value().public_z85;
  const std::string other_link = generate_curve_keypair().value().public_z85;
  const remote_route route{"health", "there", ""};
  std::uint64_t next_id = 1;
  const auto ping_from_there = [&] {
    envelope e;
    e.type = ping::id;
    e.message_version = ping::version;
    e.message_id = next_id++;
    e.sender = "there/x";
    e.recipient = "here/health";
    e.sent_at_ms = unix_now_ms();
    e.body = encode_body(ping{1, {}});
    return e;
  };
  const signature binding = sign_link_binding(sender, link);
  envelope bound = ping_from_there();
  sign_outgoing(bound, sender, binding);
  EXPECT_TRUE(gate.admit(route, bound, link, unix_now_ms()).ok());

  envelope elsewhere = ping_from_there();
  sign_outgoing(elsewhere, sender, binding);
  auto refused = gate.admit(route, elsewhere, other_link, unix_now_ms());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.err().message.find("does not name transport key"), std::string::npos) << refused.err().message;

  envelope over_plaintext = ping_from_there();
  sign_outgoing(over_plaintext, sender, binding);
  refused = gate.admit(route, over_plaintext, "", unix_now_ms());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.err().message.find("plaintext"), std::string::npos) << refused.err().message;

  envelope fully_signed = ping_from_there();
  sign_outgoing(fully_signed, sender, std::nullopt);
  EXPECT_TRUE(gate.admit(route, fully_signed, other_link, unix_now_ms()).ok());
  EXPECT_TRUE(gate.admit(route, [&] { auto e = ping_from_there(); sign_outgoing(e, sender, std::nullopt); return e; }(), "",
                         unix_now_ms()).ok());
}

}  // namespace
}  // namespace infergrid

#include "runtime/refusal_answer.hpp"

#include <gtest/gtest.h>

#include "messages/body.hpp"
#include "messages/system.hpp"
#include "runtime/identity.hpp"
#include "runtime/link_binding.hpp"

namespace infergrid {
namespace {

envelope signed_ping() {
  envelope e{.type = message_type::ping, .message_version = ping::version, .message_id = 77, .sender = "evil/probe",
             .recipient = "hub/settlement", .sent_at_ms = 1000, .deadline_ms = 6000, .body = encode_body(ping{})};
  sign_outgoing(e, identity::generate(), std::nullopt);
  return e;
}

TEST(refusal_answer, only_a_verified_key_lacking_authority_is_answered) {
  const envelope refused = signed_ping();
  EXPECT_TRUE(answers_refusal(refused, make_error(error_code::permission_denied, "needs operator authority")));
  for (const error_code code : {error_code::bad_signature, error_code::malformed_input, error_code::unsupported,
                                error_code::conflict, error_code::timeout}) {
    EXPECT_FALSE(answers_refusal(refused, make_error(code, "x"))) << to_string(code);
  }
  envelope unsigned_copy = refused;
  unsigned_copy.signature.reset();
  EXPECT_FALSE(answers_refusal(unsigned_copy, make_error(error_code::permission_denied, "x")));
  envelope an_error = refused;
  an_error.type = message_type::error_reply;
  EXPECT_FALSE(answers_refusal(an_error, make_error(error_code::permission_denied, "x")));  // no loops
}

TEST(refusal_answer, the_answer_goes_back_to_the_sender_and_names_node_and_reason) {
  const envelope refused = signed_ping();
  const envelope answer =
      refusal_answer(refused, make_error(error_code::permission_denied, "ping to settlement needs operator authority"), "hub",
                     9001, 2000);
  EXPECT_EQ(answer.type, message_type::error_reply);
  EXPECT_EQ(answer.sender, "hub/_ingress");
  EXPECT_EQ(answer.recipient, "evil/probe");
  EXPECT_EQ(answer.correlation_id, 77u);
  EXPECT_EQ(answer.message_id, 9001u);
  EXPECT_EQ(answer.deadline_ms, 6000);
  EXPECT_FALSE(answer.signature.has_value());  // the ingress signs it as the node's actors sign
  auto body = decode_body<error_reply>(answer.body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->code, static_cast<std::uint16_t>(error_code::permission_denied));
  EXPECT_EQ(body->message, "refused by node hub: ping to settlement needs operator authority");
}

}  // namespace
}  // namespace infergrid

// token_fingerprint: 2 bytes per token, the chosen token's log-probability within half a quantisation
// step, the argmax's low bits, saturation far in the tail, and the byte layout round trip.
#include "kernels/model/token_fingerprint.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "kernels/model/test_support.hpp"
#include "kernels/model/token_logprobs.hpp"

namespace infergrid::model {
namespace {

TEST(token_fingerprint, quantises_the_chosen_logprob_and_keeps_the_argmax_bits) {
  const std::vector<float> logits = testing_support::random_normals(700, 5, 3.0f);
  const auto top = static_cast<token_id>(std::max_element(logits.begin(), logits.end()) - logits.begin());
  std::vector<std::uint8_t> bytes;
  for (token_id chosen = 0; chosen < 700; chosen += 7) {
    const token_fingerprint f = fingerprint_of(logits, chosen);
    const float exact = logprobs_at(logits, chosen, 0).chosen.logprob;
    EXPECT_NEAR(f.chosen_logprob, exact, fingerprint_logprob_step / 2 + 1e-6) << chosen;
    EXPECT_EQ(f.argmax_bits, top & 0xF);
    append_fingerprint(bytes, f);
  }
  ASSERT_EQ(bytes.size(), 100 * fingerprint_bytes_per_token);
  for (std::size_t i = 0; i < 100; ++i) {
    const token_fingerprint expected = fingerprint_of(logits, static_cast<token_id>(i * 7));
    const token_fingerprint read = fingerprint_at(bytes, i);
    EXPECT_EQ(read.argmax_bits, expected.argmax_bits);
    EXPECT_EQ(read.chosen_logprob, expected.chosen_logprob);
  }
}

TEST(token_fingerprint, saturates_in_the_far_tail) {
  std::vector<float> logits(10, 0.0f);
  logits[3] = 200.0f;
  const token_fingerprint f = fingerprint_of(logits, 0);
  EXPECT_NEAR(f.chosen_logprob, -4095 * fingerprint_logprob_step, 1e-6);
  EXPECT_EQ(f.argmax_bits, 3);
  EXPECT_NEAR(fingerprint_of(logits, 3).chosen_logprob, 0.0f, 1e-6);
}

}  // namespace
}  // namespace infergrid::model

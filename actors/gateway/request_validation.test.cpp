// request_validation: a good request passes, each broken rule is refused with a message naming the field.
#include "actors/gateway/request_validation.hpp"

#include <gtest/gtest.h>

namespace infergrid::gateway {
namespace {

inference_request good_request() {
  inference_request r;
  r.request_id = "r1";
  r.model = "stories260k";
  r.prompt = "Once upon a time";
  return r;
}

std::string refusal(const inference_request& r) {
  const auto checked = validate_request(r, request_limits{});
  if (checked.ok()) return "accepted";
  EXPECT_EQ(checked.err().code, error_code::invalid_argument);
  return checked.err().message;
}

TEST(request_validation, a_plain_request_and_one_with_twenty_alternatives_pass) {
  EXPECT_EQ(refusal(good_request()), "accepted");
  auto r = good_request();
  r.logprobs = true;
  r.top_logprobs = max_top_logprobs;
  EXPECT_EQ(refusal(r), "accepted");
}

TEST(request_validation, top_logprobs_over_twenty_is_refused_naming_the_bound) {
  auto r = good_request();
  r.logprobs = true;
  r.top_logprobs = max_top_logprobs + 1;
  EXPECT_EQ(refusal(r), "top_logprobs: must be 0..20 (got 21)");
}

TEST(request_validation, top_logprobs_without_logprobs_is_refused) {
  auto r = good_request();
  r.top_logprobs = 2;
  EXPECT_EQ(refusal(r), "top_logprobs: needs logprobs=true");
}

TEST(request_validation, zero_max_tokens_is_refused) {
  auto r = good_request();
  r.max_tokens = 0;
  EXPECT_EQ(refusal(r), "max_tokens: must be 1..4096 (got 0)");
}

TEST(request_validation, an_embedding_generates_nothing) {
  auto r = good_request();
  r.embedding = true;
  r.max_tokens = 0;
  EXPECT_EQ(refusal(r), "accepted");
  r.max_tokens = 8;
  EXPECT_EQ(refusal(r), "max_tokens: an embedding request generates nothing; must be 0");
  r.max_tokens = 0;
  r.stream = true;  // a streaming client gets the one last chunk
  EXPECT_EQ(refusal(r), "accepted");
  r.logprobs = true;
  EXPECT_EQ(refusal(r), "embedding: logprobs and output_format do not apply to an embedding");
}

}  // namespace
}  // namespace infergrid::gateway

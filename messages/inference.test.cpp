// Inference and match messages: every struct round-trips with non-default values, decodes from
// an older (shorter) encoding with the missing fields at their defaults, and rejects garbage.
#include <gtest/gtest.h>

#include "messages/inference.hpp"
#include "messages/match.hpp"
#include "messages/message_test_support.hpp"
#include "messages/challenge.hpp"

namespace infergrid {
namespace {

inference_request sample_request() {
  inference_request r;
  r.request_id = "req-1";
  r.model = "stories260k";
  r.prompt = "Once upon a time";
  r.prompt_tokens = {1, 2, 3};
  r.sampling.temperature = 0.7f;
  r.sampling.seed = 42;
  r.max_tokens = 17;
  r.stop = {"\n\n"};
  r.routing.max_price_completion_micro = 300;
  r.routing.allowed_quantisations = {"Q8_0"};
  r.routing.min_reputation_permille = 400;
  r.routing.preferred_miners = {"aa"};
  r.routing.excluded_miners = {"bb"};
  r.routing.allow_fallbacks = false;
  r.deadline_ms = 123456789;
  r.stream = true;
  r.reply_to = "local/gateway";
  r.logprobs = true;
  r.top_logprobs = 5;
  r.stop_after = {"</tool_call>"};
  r.whole_answer_to_client = true;
  r.submitter_check_ms = 2000;
  r.stop_after_reasoning = inference_request::stop_after_past_prompt_block;
  return r;
}

using testing::decode_older;
using testing::round_trip;

TEST(inference_messages, request_round_trips_every_field) {
  const auto r = round_trip(sample_request());
  EXPECT_EQ(r.request_id, "req-1");
  EXPECT_EQ(r.prompt_tokens, (std::vector<std::int32_t>{1, 2, 3}));
  EXPECT_FLOAT_EQ(r.sampling.temperature, 0.7f);
  EXPECT_EQ(r.sampling.seed, 42u);
  EXPECT_EQ(r.max_tokens, 17u);
  EXPECT_EQ(r.routing.allowed_quantisations, std::vector<std::string>{"Q8_0"});
  EXPECT_FALSE(r.routing.allow_fallbacks);
  EXPECT_TRUE(r.stream);
  EXPECT_EQ(r.reply_to, "local/gateway");
  EXPECT_TRUE(r.logprobs);
  EXPECT_EQ(r.top_logprobs, 5u);
  EXPECT_EQ(r.stop_after, std::vector<std::string>{"</tool_call>"});
  EXPECT_TRUE(r.whole_answer_to_client);
  EXPECT_FALSE(r.client_streamed());
  EXPECT_EQ(r.submitter_check_ms, 2000);
  EXPECT_EQ(r.stop_after_reasoning, inference_request::stop_after_past_prompt_block);
}

TEST(inference_messages, older_request_decodes_with_defaults) {
  const auto r = decode_older<inference_request>(std::string("old"));
  EXPECT_EQ(r.request_id, "old");
  EXPECT_EQ(r.max_tokens, 64u);
  EXPECT_TRUE(r.routing.allow_fallbacks);
  EXPECT_FALSE(r.stream);
  EXPECT_FALSE(r.logprobs);
  EXPECT_EQ(r.top_logprobs, 0u);
  EXPECT_TRUE(r.stop_after.empty());
  EXPECT_FALSE(r.whole_answer_to_client);
  EXPECT_EQ(r.submitter_check_ms, 0) << "an older submitter does not vouch for delivery";
  EXPECT_EQ(r.stop_after_reasoning, inference_request::stop_after_anywhere);
}

TEST(inference_messages, chunk_job_receipt_and_result_round_trip) {
  token_chunk chunk{"req-1", 5, {7, 8}, " the", finish_length, "abcd", 4, {}};
  EXPECT_EQ(round_trip(chunk).tokens, chunk.tokens);
  EXPECT_EQ(round_trip(chunk).finish_reason, "length");
  inference_job job{sample_request(), {1, 2}, {9, 10}, "local/matchmaker", 3};
  const auto j = round_trip(job);
  EXPECT_EQ(j.resume_tokens, (std::vector<std::int32_t>{9, 10}));
  EXPECT_EQ(j.request.model, "stories260k");
  completion_receipt receipt;
  receipt.request_id = "req-1";
  receipt.signature.assign(64, 0xAB);
  receipt.sampling.seed = 9;
  receipt.settlement_signature.assign(64, 0xCD);
  EXPECT_EQ(round_trip(receipt).signature.size(), 64u);
  EXPECT_EQ(round_trip(receipt).settlement_signature, receipt.settlement_signature);
  receipt.output_tokens = {5, 6, 7};
  receipt.fingerprints = {1, 2, 3, 4, 5, 6};
  EXPECT_EQ(round_trip(receipt).output_tokens, receipt.output_tokens);
  EXPECT_EQ(round_trip(receipt).fingerprints, receipt.fingerprints);
  completion_result result{"req-1", {1, 2}, "hi", finish_stop, 3, {"w1", "w2"}, {}};
  EXPECT_EQ(round_trip(result).worker_ids.size(), 2u);
  EXPECT_EQ(round_trip(inference_failed{"r", 7, "busy"}).message, "busy");
  EXPECT_EQ(round_trip(cancel_inference{"r"}).request_id, "r");
  EXPECT_EQ(round_trip(job_accepted{"r", "w", 2}).queued_ahead, 2u);
}

token_logprob sample_logprob(std::int32_t token, std::string text) {
  return {{token, text, -0.25f}, {{token, text, -0.25f}, {9, "x", -2.5f}}};
}

TEST(inference_messages, chunk_and_result_carry_logprobs_per_token) {
  token_chunk chunk{"req-1", 0, {7, 8}, " the", "", "w", 4, {sample_logprob(7, " t"), sample_logprob(8, "he")}};
  const auto c = round_trip(chunk);
  ASSERT_EQ(c.logprobs.size(), 2u);
  EXPECT_EQ(c.logprobs[1].chosen.token, 8);
  EXPECT_EQ(c.logprobs[1].chosen.text, "he");
  EXPECT_FLOAT_EQ(c.logprobs[1].chosen.logprob, -0.25f);
  ASSERT_EQ(c.logprobs[1].top.size(), 2u);
  EXPECT_EQ(c.logprobs[1].top[1].text, "x");
  EXPECT_FLOAT_EQ(c.logprobs[1].top[1].logprob, -2.5f);
  completion_result result{"req-1", {7}, " t", finish_stop, 3, {"w"}, {sample_logprob(7, " t")}};
  EXPECT_EQ(round_trip(result).logprobs.at(0).top.at(0).token, 7);
}

// token_chunk as first shipped, before `logprobs` was appended.
struct token_chunk_before_logprobs {
  std::string request_id;
  std::uint32_t index = 0;
  std::vector<std::int32_t> tokens;
  std::string text;
  std::string finish_reason;
  std::string worker_id;
  std::uint32_t prompt_token_count = 0;
  MSGPACK_DEFINE(request_id, index, tokens, text, finish_reason, worker_id, prompt_token_count)
};

TEST(inference_messages, chunks_before_and_after_logprobs_decode_both_ways) {
  const auto old_bytes = encode_body(token_chunk_before_logprobs{"r", 3, {1, 2}, "ab", "", "w", 9});
  const auto from_old = decode_body<token_chunk>(old_bytes);
  ASSERT_TRUE(from_old.ok()) << from_old.err().message;
  EXPECT_EQ(from_old->tokens, (std::vector<std::int32_t>{1, 2}));
  EXPECT_EQ(from_old->prompt_token_count, 9u);
  EXPECT_TRUE(from_old->logprobs.empty());
  // An older receiver reads a newer chunk and skips the field it does not know.
  const auto new_bytes = encode_body(token_chunk{"r", 3, {1}, "a", "", "w", 9, {sample_logprob(1, "a")}});
  const auto from_new = decode_body<token_chunk_before_logprobs>(new_bytes);
  ASSERT_TRUE(from_new.ok()) << from_new.err().message;
  EXPECT_EQ(from_new->text, "a");
  EXPECT_EQ(from_new->prompt_token_count, 9u);
}

TEST(inference_messages, chunks_before_the_claim_fields_decode_without_a_claim) {
  const auto old_bytes = encode_body(token_chunk_before_logprobs{"r", 3, {1, 2}, "ab", "", "w", 9});
  const auto from_old = decode_body<token_chunk>(old_bytes);
  ASSERT_TRUE(from_old.ok()) << from_old.err().message;
  EXPECT_EQ(from_old->claim_completion_tokens, 0u);
  EXPECT_TRUE(from_old->claim_digest.empty());
  EXPECT_TRUE(from_old->claim_signature.empty());
  token_chunk claimed{"r", 3, {1}, "a", "", "w", 9, {}};
  claimed.claim_completion_tokens = 4;
  claimed.claim_digest.assign(32, 7);
  claimed.claim_signature.assign(64, 8);
  const auto again = round_trip(claimed);
  EXPECT_EQ(again.claim_completion_tokens, 4u);
  EXPECT_EQ(again.claim_digest, claimed.claim_digest);
  EXPECT_EQ(again.claim_signature, claimed.claim_signature);
}

TEST(inference_messages, older_chunk_and_job_decode_with_defaults) {
  EXPECT_EQ(decode_older<token_chunk>(std::string("r")).finish_reason, "");
  EXPECT_TRUE(decode_older<token_chunk>(std::string("r")).logprobs.empty());
  EXPECT_TRUE(decode_older<completion_result>(std::string("r")).logprobs.empty());
  EXPECT_EQ(decode_older<completion_receipt>(std::string("r")).signature.size(), 0u);
  EXPECT_TRUE(decode_older<completion_receipt>(std::string("r")).settlement_signature.empty());
  EXPECT_TRUE(decode_older<completion_receipt>(std::string("r")).output_tokens.empty());
  EXPECT_TRUE(decode_older<completion_receipt>(std::string("r")).fingerprints.empty());
  EXPECT_EQ(decode_older<inference_failed>(std::string("r")).code, 0u);
}

TEST(inference_messages, wrong_shapes_are_errors_not_exceptions) {
  const std::vector<std::uint8_t> garbage{0x93, 0x01, 0x02};  // [1, 2] with a missing element
  EXPECT_FALSE(decode_body<inference_request>(garbage).ok());
  const auto chunk_as_request = encode_body(std::vector<int>{1, 2, 3});
  EXPECT_FALSE(decode_body<inference_request>(chunk_as_request).ok());
  EXPECT_FALSE(decode_body<token_chunk>(std::vector<std::uint8_t>{0xc1}).ok());
}

// completion_receipt as shipped before the validator evidence was appended.
struct receipt_before_evidence {
  std::string request_id, worker_id, model, model_hash, prompt_hash;
  std::uint32_t prompt_token_count = 0, first_index = 0, completion_token_count = 0;
  sampling_params sampling;
  std::uint64_t price_prompt_micro = 0, price_completion_micro = 0;
  std::string finish_reason;
  std::vector<std::uint8_t> signature, settlement_signature;
  MSGPACK_DEFINE(request_id, worker_id, model, model_hash, prompt_hash, prompt_token_count, first_index,
                 completion_token_count, sampling, price_prompt_micro, price_completion_micro, finish_reason, signature,
                 settlement_signature)
};

TEST(inference_messages, receipts_before_and_after_evidence_decode_both_ways) {
  receipt_before_evidence old;
  old.request_id = "r";
  old.completion_token_count = 5;
  old.settlement_signature.assign(64, 7);
  const auto from_old = decode_body<completion_receipt>(encode_body(old));
  ASSERT_TRUE(from_old.ok()) << from_old.err().message;
  EXPECT_EQ(from_old->completion_token_count, 5u);
  EXPECT_EQ(from_old->settlement_signature.size(), 64u);
  EXPECT_TRUE(from_old->output_tokens.empty());
  EXPECT_TRUE(from_old->fingerprints.empty());
  completion_receipt fresh;
  fresh.request_id = "r";
  fresh.output_tokens = {1, 2};
  fresh.fingerprints = {1, 2, 3, 4};
  const auto from_new = decode_body<receipt_before_evidence>(encode_body(fresh));
  ASSERT_TRUE(from_new.ok()) << from_new.err().message;
  EXPECT_EQ(from_new->request_id, "r");
}

TEST(challenge_messages, audit_request_and_verdict_round_trip) {
  audit_request audit;
  audit.request.request_id = "r";
  audit.receipt.output_tokens = {3, 4};
  audit.escalated = true;
  const auto a = round_trip(audit);
  EXPECT_EQ(a.request.request_id, "r");
  EXPECT_EQ(a.receipt.output_tokens, (std::vector<std::int32_t>{3, 4}));
  EXPECT_TRUE(a.escalated);
  audit_verdict verdict{"r", "m", "v", true, "tokens", "3 of 9", {9, 3, 1, 2, 4, 0.5f, 2.0f, 12, 0.0f, 5}, false, {1, 2}};
  const auto v = round_trip(verdict);
  EXPECT_EQ(v.evidence.rank_swaps, 5u);
  EXPECT_TRUE(v.guilty);
  EXPECT_EQ(v.reason, "tokens");
  EXPECT_EQ(v.evidence.implausible_tokens, 3u);
  EXPECT_EQ(v.evidence.first_bad_position, 4);
  EXPECT_FLOAT_EQ(v.evidence.logprob_deviation_max, 2.0f);
  EXPECT_EQ(decode_older<audit_verdict>(std::string("r")).evidence.tokens_checked, 0u);
  EXPECT_FALSE(decode_older<audit_request>(inference_request{}).escalated);
}

TEST(match_messages, registry_messages_round_trip) {
  worker_register hello{"ab", "n/w", {model_offer{"m", "ff", 512, "F32", 1234.5, 100, 200}}, 4, 3, 16, 1000};
  const auto h = round_trip(hello);
  ASSERT_EQ(h.models.size(), 1u);
  EXPECT_DOUBLE_EQ(h.models[0].tokens_per_second, 1234.5);
  EXPECT_EQ(h.models[0].price_completion_micro, 200u);
  EXPECT_EQ(round_trip(worker_heartbeat{"ab", 9, 1, 2, 3, 4, {}}).tokens_generated, 4u);
  const auto beat = round_trip(worker_heartbeat{"ab", 9, 1, 2, 3, 4, {model_ask{"m", 120, 240}}});
  ASSERT_EQ(beat.asks.size(), 1u);
  EXPECT_EQ(beat.asks[0].price_completion_micro, 240u);
  EXPECT_EQ(round_trip(worker_registered{"ab", 250}).heartbeat_interval_ms, 250);
  EXPECT_EQ(round_trip(worker_leave{"ab"}).worker_id, "ab");
  supply_report report{{model_supply{"m", 1, 4, 2, 2, 0, 500, 7, 1, 200, {90, 100, 110}, {180, 200, 220}, 101, 203, 64}}, 3};
  const auto decoded = round_trip(report);
  EXPECT_EQ(decoded.models[0].utilisation_permille, 500u);
  EXPECT_EQ(decoded.models[0].ask_completion.p90_micro, 220u);
  EXPECT_EQ(decoded.models[0].cleared_completion_micro, 203u);
  EXPECT_EQ(decoded.models[0].cleared_jobs, 64u);
  EXPECT_EQ(round_trip(supply_request{"m"}).model, "m");
  EXPECT_EQ(round_trip(demand_window_query{1000, 2000}).until_unix_ms, 2000);
  EXPECT_EQ(round_trip(held_requests_query{{"a", "b"}}).request_ids, (std::vector<std::string>{"a", "b"}));
  const auto vouching = round_trip(held_requests_query{{"a"}, {"c"}, true});
  EXPECT_EQ(vouching.delivered_ids, std::vector<std::string>{"c"});
  EXPECT_TRUE(vouching.names_all);
  const auto older_query = decode_older<held_requests_query>(std::vector<std::string>{"a"});
  EXPECT_TRUE(older_query.delivered_ids.empty());
  EXPECT_FALSE(older_query.names_all) << "an older bridge's query proves no job lost";
  EXPECT_EQ(round_trip(held_requests_reply{{"b"}}).lost_ids, (std::vector<std::string>{"b"}));
  EXPECT_EQ(round_trip(held_requests_query{{}, {}, false, {"f"}}).forgotten_ids, std::vector<std::string>{"f"});
  EXPECT_TRUE(older_query.forgotten_ids.empty());
  EXPECT_EQ(round_trip(held_requests_reply{{"b"}, {"f"}}).unknown_ids, std::vector<std::string>{"f"});
  EXPECT_TRUE(decode_older<held_requests_reply>(std::vector<std::string>{"b"}).unknown_ids.empty())
      << "an older matchmaker's reply leaves the bridge no escrow to refund";
  const auto demand = round_trip(demand_window_report{1000, 2000, 650000, 2500, 12, 20});
  EXPECT_EQ(demand.utilisation_ppm, 650000);
  EXPECT_EQ(demand.queue_p95_ms, 2500);
  EXPECT_EQ(demand.samples, 20u);
}

TEST(match_messages, older_registry_messages_decode_with_defaults) {
  EXPECT_EQ(decode_older<worker_register>(std::string("ab")).slots, 0u);
  EXPECT_EQ(decode_older<worker_heartbeat>(std::string("ab")).sequence, 0u);
  EXPECT_EQ(decode_older<supply_report>(std::vector<model_supply>{}).evictions, 0u);
  EXPECT_TRUE(decode_older<worker_heartbeat>(std::string("ab")).asks.empty());
  EXPECT_EQ(decode_older<model_supply>(std::string("m")).ask_completion.median_micro, 0u);
}

// A heartbeat and a supply row as senders before price discovery encoded them (6 and 10 fields).
struct heartbeat_before_asks {
  std::string worker_id;
  std::uint64_t sequence = 0;
  std::uint32_t free_slots = 0, running = 0, queued = 0;
  std::uint64_t tokens_generated = 0;
  MSGPACK_DEFINE(worker_id, sequence, free_slots, running, queued, tokens_generated)
};

TEST(match_messages, heartbeats_before_and_after_asks_decode_both_ways) {
  const auto from_old = decode_body<worker_heartbeat>(encode_body(heartbeat_before_asks{"ab", 3, 1, 2, 0, 9}));
  ASSERT_TRUE(from_old.ok()) << from_old.err().message;
  EXPECT_EQ(from_old->tokens_generated, 9u);
  EXPECT_TRUE(from_old->asks.empty());
  const auto from_new = decode_body<heartbeat_before_asks>(encode_body(worker_heartbeat{"ab", 3, 1, 2, 0, 9, {{"m", 1, 2}}}));
  ASSERT_TRUE(from_new.ok()) << from_new.err().message;
  EXPECT_EQ(from_new->tokens_generated, 9u);
}

}  // namespace
}  // namespace infergrid

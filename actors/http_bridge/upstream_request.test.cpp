#include "actors/http_bridge/upstream_request.hpp"

#include <gtest/gtest.h>

#include "actors/http_bridge/billing.hpp"

namespace infergrid::http {
namespace {

TEST(UpstreamRequest, MapsSamplingAndStreamsBackToTheBridge) {
  completion_request request;
  request.model = "stories260k";
  request.max_tokens = 16;
  request.temperature = 0.7;
  request.top_p = 0.9;
  request.frequency_penalty = 0.5;
  request.stop = {"\n"};
  auto out = to_inference_request(request, "chatcmpl-1", "User: hi\nAssistant:", "local/http", 1234, 99, {});
  EXPECT_EQ(out.request_id, "chatcmpl-1");
  EXPECT_EQ(out.model, "stories260k");
  EXPECT_EQ(out.prompt, "User: hi\nAssistant:");
  EXPECT_TRUE(out.prompt_tokens.empty());
  EXPECT_FLOAT_EQ(out.sampling.temperature, 0.7f);
  EXPECT_FLOAT_EQ(out.sampling.top_p, 0.9f);
  EXPECT_EQ(out.sampling.top_k, 0);
  EXPECT_FLOAT_EQ(out.sampling.min_p, 0.0f);
  EXPECT_FLOAT_EQ(out.sampling.frequency_penalty, 0.5f);
  EXPECT_EQ(out.sampling.seed, 99u);  // none asked: the bridge's draw
  EXPECT_EQ(out.max_tokens, 16u);
  EXPECT_EQ(out.stop, request.stop);
  EXPECT_TRUE(out.stream);
  EXPECT_FALSE(out.client_streamed());  // the client asked for a whole answer: trace says so
  request.stream = true;
  EXPECT_TRUE(to_inference_request(request, "chatcmpl-2", "x", "local/http", 1234, 99, {}).client_streamed());
  EXPECT_EQ(out.reply_to, "local/http");
  EXPECT_EQ(out.deadline_ms, 1234);
  request.seed = 5;
  EXPECT_EQ(to_inference_request(request, "r", "", "", 0, 99, {}).sampling.seed, 5u);
  EXPECT_FLOAT_EQ(out.sampling.repeat_penalty, 1.0f);
  EXPECT_FALSE(out.embedding);
  // vLLM's / llama.cpp's sampler fields, when named.
  request.top_k = 20;
  request.min_p = 0.1;
  request.repeat_penalty = 1.3;
  const auto extended = to_inference_request(request, "r", "", "", 0, 99, {});
  EXPECT_EQ(extended.sampling.top_k, 20);
  EXPECT_FLOAT_EQ(extended.sampling.min_p, 0.1f);
  EXPECT_FLOAT_EQ(extended.sampling.repeat_penalty, 1.3f);
  request.kind = endpoint_kind::embedding;
  EXPECT_TRUE(to_inference_request(request, "r", "", "", 0, 99, {}).embedding);
}

TEST(UpstreamRequest, TopPZeroKeepsOnlyTheMostLikelyToken) {
  completion_request request;
  request.top_p = 0;  // OpenAI's range is 0..1 inclusive
  const auto greedy = to_inference_request(request, "r", "", "", 0, 99, {});
  EXPECT_EQ(greedy.sampling.top_k, 1);
  EXPECT_FLOAT_EQ(greedy.sampling.top_p, 1.0f);
  request.top_k = 40;
  EXPECT_EQ(to_inference_request(request, "r", "", "", 0, 99, {}).sampling.top_k, 1);
}

TEST(UpstreamRequest, MapsProviderPreferences) {
  completion_request request;
  request.provider.order = {"b", "a", "c"};
  request.provider.ignore = {"x"};
  request.provider.quantizations = {"fp16", "q8_0", "int8"};
  request.provider.max_price_prompt = 0.5;
  request.provider.max_price_completion = 2;
  auto routing = to_inference_request(request, "r", "", "", 0, 0, request_price_caps(http_bridge_config{}, request)).routing;
  EXPECT_EQ(routing.preferred_miners, (std::vector<std::string>{"b", "a", "c"}));
  EXPECT_EQ(routing.excluded_miners, (std::vector<std::string>{"x"}));
  EXPECT_EQ(routing.allowed_quantisations, (std::vector<std::string>{"F16", "Q8_0", "Q8_0"}));
  EXPECT_EQ(routing.max_price_prompt_micro, 500u);
  EXPECT_EQ(routing.max_price_completion_micro, 2000u);
  EXPECT_TRUE(routing.allow_fallbacks);
  request.provider.only = {"a", "d"};
  routing = to_inference_request(request, "r", "", "", 0, 0, request_price_caps(http_bridge_config{}, request)).routing;
  EXPECT_EQ(routing.preferred_miners, (std::vector<std::string>{"a", "d"}));  // order's order first
  EXPECT_FALSE(routing.allow_fallbacks);
}

TEST(UpstreamRequest, FinishReasons) {
  EXPECT_EQ(openai_finish_reason("stop"), "stop");
  EXPECT_EQ(openai_finish_reason("length"), "length");
  EXPECT_EQ(openai_finish_reason("context"), "length");
}

}  // namespace
}  // namespace infergrid::http

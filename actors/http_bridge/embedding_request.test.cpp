// `POST /v1/embeddings` bodies as OpenAI validates them, and the answer's shape (float and base64).
#include "actors/http_bridge/embedding_request.hpp"
#include "actors/http_bridge/embedding_response.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include <sodium.h>

namespace infergrid::http {
namespace {

api_error refusal(const std::string& body) {
  auto parsed = parse_embedding_request(body, 4);
  EXPECT_TRUE(std::holds_alternative<api_error>(parsed)) << body;
  return std::holds_alternative<api_error>(parsed) ? std::get<api_error>(parsed) : api_error{};
}

TEST(embedding_request, a_string_or_an_array_of_strings_in_float_or_base64) {
  auto one = std::get<embedding_request>(parse_embedding_request(R"({"model": "m", "input": "hello"})", 4));
  EXPECT_EQ(one.model, "m");
  EXPECT_EQ(one.inputs, std::vector<std::string>{"hello"});
  EXPECT_FALSE(one.base64);
  auto many = std::get<embedding_request>(parse_embedding_request(
      R"({"model": "m", "input": ["a", "b"], "encoding_format": "base64", "user": "u1", "dimensions": null})", 4));
  EXPECT_EQ(many.inputs, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(many.base64);
  EXPECT_EQ(many.user, "u1");
}

TEST(embedding_request, refusals_name_the_field) {
  EXPECT_EQ(refusal(R"({"input": "x"})").param, "model");
  EXPECT_EQ(refusal(R"({"model": "m"})").param, "input");
  EXPECT_EQ(refusal(R"({"model": "m", "input": []})").param, "input");
  EXPECT_EQ(refusal(R"({"model": "m", "input": ["a", "b", "c", "d", "e"]})").param, "input");
  EXPECT_EQ(refusal(R"({"model": "m", "input": ["a", 3]})").param, "input[1]");
  EXPECT_EQ(refusal(R"({"model": "m", "input": ["a", ""]})").param, "input[1]");
  EXPECT_EQ(refusal(R"({"model": "m", "input": ""})").param, "input");
  EXPECT_EQ(refusal(R"({"model": "m", "input": "x", "encoding_format": "int8"})").param, "encoding_format");
  const api_error tokens = refusal(R"({"model": "m", "input": [1, 2, 3]})");
  EXPECT_EQ(tokens.param, "input");
  EXPECT_EQ(tokens.code, "unsupported");
  EXPECT_EQ(refusal(R"({"model": "m", "input": [[1, 2]]})").code, "unsupported");
  const api_error dimensions = refusal(R"({"model": "m", "input": "x", "dimensions": 8})");
  EXPECT_EQ(dimensions.param, "dimensions");
  EXPECT_EQ(dimensions.code, "unsupported");
  EXPECT_EQ(refusal("[1]").status, 400);
  EXPECT_EQ(refusal("{\"model\": ").status, 400);
}

TEST(embedding_response, base64_is_the_little_endian_float32_bytes) {
  const std::vector<float> values = {1.0f, -0.5f, 0.25f, 3.0e-8f, 0.0f};
  const std::string text = base64_floats(values);
  std::vector<unsigned char> bytes(values.size() * sizeof(float));
  std::size_t decoded = 0;
  ASSERT_EQ(sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &decoded, nullptr,
                              sodium_base64_VARIANT_ORIGINAL),
            0);
  ASSERT_EQ(decoded, bytes.size());
  std::vector<float> back(values.size());
  std::memcpy(back.data(), bytes.data(), bytes.size());
  EXPECT_EQ(back, values);
  EXPECT_EQ(base64_floats({1.0f}), "AACAPw==");  // 1.0f = 00 00 80 3f

  const auto body = embeddings_json("embd-1", "m", {values, {0.0f}}, false, 7);
  EXPECT_EQ(body["object"], "list");
  EXPECT_EQ(body["data"].size(), 2u);
  EXPECT_EQ(body["data"][1]["index"], 1);
  EXPECT_EQ(body["data"][0]["object"], "embedding");
  EXPECT_EQ(body["data"][0]["embedding"].size(), values.size());
  EXPECT_EQ(body["usage"]["prompt_tokens"], 7);
  EXPECT_EQ(body["usage"]["total_tokens"], 7);
  EXPECT_EQ(embeddings_json("embd-1", "m", {values}, true, 7)["data"][0]["embedding"], text);
}

}  // namespace
}  // namespace infergrid::http

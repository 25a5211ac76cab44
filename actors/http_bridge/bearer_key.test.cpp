#include "actors/http_bridge/bearer_key.hpp"

#include <gtest/gtest.h>

namespace infergrid::http {
namespace {

std::string key_of(std::string_view header) {
  auto read = bearer_key(header);
  if (auto* failure = std::get_if<api_error>(&read)) return "error: " + failure->message;
  return std::get<std::string>(read);
}

TEST(BearerKey, TheSchemeIsCaseInsensitive) {  // RFC 9110 §11.1
  EXPECT_EQ(key_of("Bearer sk-1"), "sk-1");
  EXPECT_EQ(key_of("bearer sk-1"), "sk-1");
  EXPECT_EQ(key_of("BEARER sk-1"), "sk-1");
  EXPECT_EQ(key_of("  Bearer \t sk-1  "), "sk-1");
}

TEST(BearerKey, AnAbsentKeyIsMissingAndAnotherSchemeSaysSo) {
  const auto missing = std::get<api_error>(bearer_key(""));
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.code, "missing_api_key");
  EXPECT_NE(missing.message.find("Missing API key"), std::string::npos);
  for (const char* header : {"Basic dXNlcjpwYXNz", "sk-1", "Bearersk-1"}) {
    const auto other = std::get<api_error>(bearer_key(header));
    EXPECT_EQ(other.status, 401) << header;
    EXPECT_NE(other.message.find("is not a Bearer key"), std::string::npos) << header;
  }
  const auto empty = std::get<api_error>(bearer_key("Bearer   "));
  EXPECT_EQ(empty.status, 401);
  EXPECT_NE(empty.message.find("carries no key"), std::string::npos);
}

}  // namespace
}  // namespace infergrid::http

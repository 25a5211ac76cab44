#include "actors/http_bridge/http_bridge_config.hpp"

#include <gtest/gtest.h>

namespace infergrid::http {
namespace {

settings from_yaml(const std::string& text) { return settings(YAML::Load(text), "node.yaml", "actors[0].settings"); }

TEST(HttpBridgeConfig, DefaultsAndOverrides) {
  auto config = parse_http_bridge_config(from_yaml("{keys_file: k.yaml}"));
  ASSERT_TRUE(config.ok()) << config.err().message;
  EXPECT_EQ(config->host, "127.0.0.1");
  EXPECT_EQ(config->port, 8080);
  EXPECT_EQ(config->dashboard_cache_ms, 1000);
  auto custom = parse_http_bridge_config(from_yaml(
      "{keys_file: k.yaml, listen: '0.0.0.0:0', max_body_bytes: 100, rate_limit_per_minute: 5, "
      "model_files: {m: m.gguf}, dashboard_cache_ms: 0}"));
  ASSERT_TRUE(custom.ok()) << custom.err().message;
  EXPECT_EQ(custom->host, "0.0.0.0");
  EXPECT_EQ(custom->port, 0);
  EXPECT_EQ(custom->max_body_bytes, 100u);
  EXPECT_EQ(custom->rate_limit.requests_per_minute, 5);
  EXPECT_EQ(custom->model_files.at("m"), "m.gguf");
  EXPECT_EQ(custom->dashboard_cache_ms, 0);
}

TEST(HttpBridgeConfig, ErrorsNameTheKey) {
  const std::pair<const char*, const char*> cases[] = {
      {"{}", "keys_file"},
      {"{keys_file: k, listen: nope}", "listen"},
      {"{keys_file: k, listen: 'h:99999'}", "listen"},
      {"{keys_file: k, max_body_bytes: 0}", "max_body_bytes"},
      {"{keys_file: k, bogus: 1}", "bogus"},
      {"{keys_file: k, dashboard_cache_ms: -1}", "dashboard_cache_ms"},
      {"{keys_file: k, default_max_tokens: 10, max_tokens_limit: 5}", "default_max_tokens"},
  };
  for (const auto& [text, key] : cases) {
    auto config = parse_http_bridge_config(from_yaml(text));
    ASSERT_FALSE(config.ok()) << text;
    EXPECT_NE(config.err().message.find(key), std::string::npos) << config.err().message;
  }
}

}  // namespace
}  // namespace infergrid::http

#include "actors/http_bridge/http_bridge_config.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

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
  EXPECT_EQ(config->cors_origins, std::vector<std::string>{"*"});
  auto custom = parse_http_bridge_config(from_yaml(
      "{keys_file: k.yaml, listen: '0.0.0.0:0', max_body_bytes: 100, rate_limit_per_minute: 5, "
      "model_files: {m: m.gguf}, dashboard_cache_ms: 0, cors_origins: ['https://app.example.com']}"));
  ASSERT_TRUE(custom.ok()) << custom.err().message;
  EXPECT_EQ(custom->host, "0.0.0.0");
  EXPECT_EQ(custom->port, 0);
  EXPECT_EQ(custom->max_body_bytes, 100u);
  EXPECT_EQ(custom->rate_limit.requests_per_minute, 5);
  EXPECT_EQ(custom->model_files.at("m"), "m.gguf");
  EXPECT_EQ(custom->dashboard_cache_ms, 0);
  EXPECT_EQ(custom->cors_origins, std::vector<std::string>{"https://app.example.com"});
  auto off = parse_http_bridge_config(from_yaml("{keys_file: k.yaml, cors_origins: []}"));
  ASSERT_TRUE(off.ok()) << off.err().message;
  EXPECT_TRUE(off->cors_origins.empty());
}

// keys_file and model_files are found as model_path is: from the working directory, else from the
// folders above the config — `infergrid up` outside the repo falls back to deploy/all-in-one.yaml,
// whose `deploy/api-keys.yaml` could not be opened from there.
TEST(HttpBridgeConfig, FilesItReadsAreFoundBesideTheConfigFromAnyDirectory) {
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() / ("infergrid-bridge-config-" + std::to_string(::getpid()));
  fs::create_directories(root / "grid-setup" / "models");
  std::ofstream(root / "grid-setup" / "api-keys.yaml") << "accounts: []\n";
  std::ofstream(root / "grid-setup" / "models" / "m.gguf") << "x";
  const settings from_the_repo(YAML::Load("{keys_file: grid-setup/api-keys.yaml, model_files: {m: grid-setup/models/m.gguf}}"),
                               (root / "grid-setup" / "all-in-one.yaml").string(), "actors[0].settings");
  auto config = parse_http_bridge_config(from_the_repo);  // the working directory has no grid-setup/
  ASSERT_TRUE(config.ok()) << config.err().message;
  EXPECT_EQ(config->keys_file, (root / "grid-setup" / "api-keys.yaml").string());
  EXPECT_EQ(config->model_files.at("m"), (root / "grid-setup" / "models" / "m.gguf").string());
  fs::remove_all(root);
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

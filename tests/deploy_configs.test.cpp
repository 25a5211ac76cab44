// The configs shipped in deploy/ parse with every actor kind this build links, and say the
// transport their layout needs: CurveZMQ between hosts, plaintext only where one process binds loopback.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "runtime/config.hpp"
#include "runtime/key_files.hpp"
#include "runtime/transport_security.hpp"

namespace infergrid {
namespace {

TEST(deploy_configs, every_shipped_config_parses) {
  for (const char* path : {"deploy/all-in-one.yaml", "deploy/multi-worker.yaml", "deploy/cluster/node-a.yaml",
                           "deploy/cluster/node-b.yaml", "deploy/cluster/compute-hub.yaml",
                           "deploy/cluster/compute-worker.yaml"}) {
    auto parsed = load_config_file(path);
    EXPECT_TRUE(parsed.ok()) << path << ": " << parsed.err().message;
  }
}

TEST(deploy_configs, cluster_configs_encrypt_and_only_loopback_configs_say_plaintext) {
  for (const char* path : {"deploy/cluster/node-a.yaml", "deploy/cluster/node-b.yaml", "deploy/cluster/compute-hub.yaml",
                           "deploy/cluster/compute-worker.yaml"}) {
    auto parsed = load_config_file(path);
    ASSERT_TRUE(parsed.ok()) << path << ": " << parsed.err().message;
    EXPECT_EQ(parsed->security.transport, transport_mode::curve) << path;
    EXPECT_FALSE(parsed->security.transport_key_path.empty()) << path;
    for (const auto& peer : parsed->peers) EXPECT_FALSE(peer.transport_key.empty()) << path << ": peer " << peer.name;
  }
  for (const char* path : {"deploy/all-in-one.yaml", "deploy/multi-worker.yaml"}) {
    auto parsed = load_config_file(path);
    ASSERT_TRUE(parsed.ok()) << path << ": " << parsed.err().message;
    EXPECT_EQ(parsed->security.transport, transport_mode::plaintext) << path;
    EXPECT_EQ(parsed->bind.rfind("tcp://127.0.0.1:", 0), 0u) << path << " says plaintext, so it must bind loopback only";
  }
}

// The three-host example as its README steps set it up: `infergrid keygen --out keys/<host>` for every
// host, then each config parses and its transport keys (own, peers', members') all resolve.
TEST(deploy_configs, the_three_host_example_resolves_its_keys_once_keygen_ran) {
  const auto source = std::filesystem::current_path();
  const auto dir = std::filesystem::temp_directory_path() / ("infergrid-three-host-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  for (const char* host : {"hub", "ledger", "miner-1", "operator"}) {
    auto written = write_new_keys((dir / "keys" / host).string());
    ASSERT_TRUE(written.ok()) << written.err().message;
  }
  std::filesystem::current_path(dir);  // key paths in the configs are relative to where the node runs
  for (const char* name : {"hub.yaml", "ledger.yaml", "miner.yaml"}) {
    const std::string path = (source / "deploy/cluster/three-host" / name).string();
    auto parsed = load_config_file(path);
    ASSERT_TRUE(parsed.ok()) << path << ": " << parsed.err().message;
    EXPECT_EQ(parsed->security.transport, transport_mode::curve) << path;
    auto transport = resolve_transport(*parsed);
    EXPECT_TRUE(transport.ok()) << path << ": " << transport.err().message;
  }
  std::filesystem::current_path(source);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace infergrid

// The configs shipped in deploy/ parse with every actor kind this build links, and say the
// transport their layout needs: CurveZMQ between hosts, plaintext only where one process binds loopback.
#include <gtest/gtest.h>

#include "runtime/config.hpp"

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

}  // namespace
}  // namespace infergrid

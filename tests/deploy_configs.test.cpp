// The configs shipped in deploy/ parse with every actor kind this build links.
#include <gtest/gtest.h>

#include "runtime/config.hpp"

namespace infergrid {
namespace {

TEST(deploy_configs, every_shipped_config_parses) {
  for (const char* path : {"deploy/all-in-one.yaml", "deploy/cluster/node-a.yaml", "deploy/cluster/node-b.yaml"}) {
    auto parsed = load_config_file(path);
    EXPECT_TRUE(parsed.ok()) << path << ": " << parsed.err().message;
  }
}

}  // namespace
}  // namespace infergrid

#pragma once
// A real node with one http_bridge actor ("http") for tests that put a stand-in matchmaker beside
// it: a fresh directory with a keys file of one account (`key`, a large balance), a free port, and
// the bridge's extra settings. Header-only test support.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "messages/match.hpp"
#include "runtime/config.hpp"
#include "runtime/node.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/wait_until.hpp"

namespace infergrid::testing {

struct bridge_test_node {
  std::filesystem::path dir;
  int port = 0;
  std::unique_ptr<node> grid;
  ~bridge_test_node() { std::filesystem::remove_all(dir); }
};

// `extra_settings`: more of the bridge's settings, e.g. "request_timeout_ms: 3600000".
inline std::unique_ptr<bridge_test_node> make_bridge_test_node(const std::string& name, const std::string& key,
                                                               const std::string& extra_settings) {
  auto out = std::make_unique<bridge_test_node>();
  out->dir = std::filesystem::temp_directory_path() /
             ("infergrid-" + name + "-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::filesystem::create_directories(out->dir);
  std::ofstream(out->dir / "keys.yaml") << "accounts:\n  - {name: dev, keys: [" << key << "], balance_micro: 1000000000}\n";
  out->port = free_tcp_port();
  EXPECT_GT(out->port, 0);
  auto config = parse_config("node: {name: " + name + "}\nactors:\n  - {name: http, kind: http_bridge, settings: "
                             "{listen: '127.0.0.1:" + std::to_string(out->port) + "', keys_file: '" +
                                 (out->dir / "keys.yaml").string() + "', " + extra_settings + "}}\n",
                             "<" + name + ">");
  EXPECT_TRUE(config.ok()) << (config.ok() ? "" : config.err().message);
  if (!config.ok()) return nullptr;
  auto created = node::create(std::move(*config));
  EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.err().message);
  if (!created.ok()) return nullptr;
  out->grid = std::move(*created);
  return out;
}

// A stand-in matchmaker's answer to the bridge's supply_request: `model`, one worker, one free slot.
inline supply_report one_free_slot_of(const std::string& model) {
  model_supply one;
  one.model = model;
  one.workers = 1;
  one.slots = 1;
  one.free_slots = 1;
  return supply_report{{one}, 0};
}

// Whether the bridge lists `model` within 10 s (its stand-in matchmaker's supply reached it).
inline bool wait_for_listed_model(int port, const std::string& key, const std::string& model) {
  httplib::Client client("127.0.0.1", port);
  return wait_until([&] {
    auto models = client.Get("/v1/models", {{"Authorization", "Bearer " + key}});
    return models && models->status == 200 && models->body.find(model) != std::string::npos;
  }, std::chrono::seconds(10));
}

}  // namespace infergrid::testing

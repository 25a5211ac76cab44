#pragma once
// counters_of: a child node's counters for one of its actors (by kind, e.g. "tcp_port",
// "ingress"), as a client its health actor answers reads them.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "messages/system.hpp"
#include "runtime/node.hpp"
#include "tests/support/child_node.hpp"

namespace infergrid::testing {

inline actor_metrics counters_of(node& client, const child_node& child, const std::string& kind,
                                 std::int64_t timeout_ms = 5000) {
  auto report = client.call<health_report>(child.name + "/health", health_request{}, timeout_ms);
  EXPECT_TRUE(report.ok()) << report.err().message;
  if (report.ok()) {
    for (const auto& actor : report->actors) {
      if (actor.kind == kind) return actor;
    }
  }
  ADD_FAILURE() << "no actor of kind " << kind << " on " << child.name;
  return {};
}

}  // namespace infergrid::testing

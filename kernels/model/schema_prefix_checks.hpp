#pragma once
// Test support: a schema compiled (a failure is a test failure) and whether json_schema_prefix takes
// a text whole (accepts) or can still complete it (viable).
#include <string>

#include <gtest/gtest.h>

#include "kernels/model/json_schema_compiler.hpp"
#include "kernels/model/json_schema_prefix.hpp"

namespace infergrid::model::testing_support {

inline compiled_schema compiled(const std::string& schema, std::string prefix = {}, std::string suffix = {}) {
  auto c = compile_json_schema(schema, std::move(prefix), std::move(suffix));
  EXPECT_TRUE(c.ok()) << schema << ": " << (c.ok() ? "" : c.err().message);
  return c.ok() ? std::move(*c) : compiled_schema{};
}

inline bool accepts(const compiled_schema& schema, const std::string& text) {
  json_schema_prefix p(schema);
  return p.feed(text) && p.complete();
}

inline bool viable(const compiled_schema& schema, const std::string& text) {
  json_schema_prefix p(schema);
  return p.feed(text);
}

}  // namespace infergrid::model::testing_support

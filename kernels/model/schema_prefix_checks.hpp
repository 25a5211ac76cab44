#pragma once
// Test support: a schema compiled (a failure ends the test, naming the compile error) and whether
// json_schema_prefix takes a text whole (accepts) or can still complete it (viable).
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "kernels/model/json_schema_compiler.hpp"
#include "kernels/model/json_schema_prefix.hpp"

namespace infergrid::model::testing_support {

// A schema that does not compile throws, which gtest reports as this test's failure with the message;
// there is no compiled schema to go on with (json_schema_prefix on an empty one is undefined).
inline compiled_schema compiled(const std::string& schema, std::string prefix = {}, std::string suffix = {}) {
  auto c = compile_json_schema(schema, std::move(prefix), std::move(suffix));
  if (!c.ok()) throw std::runtime_error("the schema " + schema + " does not compile: " + c.err().message);
  return std::move(*c);
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

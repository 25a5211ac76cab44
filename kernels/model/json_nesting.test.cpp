#include "kernels/model/json_nesting.hpp"

#include <gtest/gtest.h>

#include <string>

namespace infergrid::model {
namespace {

std::string nested(std::size_t depth, char open = '[', char close = ']') {
  return std::string(depth, open) + std::string(depth, close);
}

TEST(json_nesting, counts_objects_and_arrays_but_not_brackets_in_strings) {
  EXPECT_TRUE(json_nesting_within("{}", 1));
  EXPECT_FALSE(json_nesting_within("{\"a\":[1]}", 1));
  EXPECT_TRUE(json_nesting_within("{\"a\":[1]}", 2));
  EXPECT_TRUE(json_nesting_within(nested(64)));
  EXPECT_FALSE(json_nesting_within(nested(65)));
  EXPECT_FALSE(json_nesting_within(nested(150000, '{', '}')));
  // Siblings do not add up; closed levels give their depth back.
  EXPECT_TRUE(json_nesting_within("[[1],[2],{\"x\":[3]}]", 3));
  // Brackets inside strings, escaped quotes included, are text.
  EXPECT_TRUE(json_nesting_within("{\"k\":\"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"}", 1));
  EXPECT_FALSE(json_nesting_within("{\"k\":\"\\\\\",\"v\":[[1]]}", 2)) << "an escaped backslash ends the escape";
  // Malformed text is the parser's to refuse, not this scan's.
  EXPECT_TRUE(json_nesting_within("]]]}}}", 1));
}

}  // namespace
}  // namespace infergrid::model

// json_number_texts: numbers a double cannot hold come back out as they went in, found by pointer;
// documents without such numbers are read and written as nlohmann reads and writes them.
#include "kernels/model/json_number_texts.hpp"

#include <gtest/gtest.h>

namespace infergrid::model {
namespace {

TEST(json_number_texts, numbers_past_a_doubles_precision_are_written_back_as_they_came) {
  const std::string text =
      R"({"a":0.1000000000000000000001,"b":[1,12345678901234567890123,0.5,-99999999999999999999],"c":{"x~/y":1e-400,"z":2.5}})";
  const auto parsed = parse_keeping_number_texts(text);
  ASSERT_TRUE(parsed.ok()) << parsed.err().message;
  EXPECT_EQ(parsed->texts, (number_texts{{"/a", "0.1000000000000000000001"},
                                         {"/b/1", "12345678901234567890123"},
                                         {"/b/3", "-99999999999999999999"},
                                         {"/c/x~0~1y", "1e-400"}}));
  EXPECT_EQ(parsed->value.dump(), R"({"a":0.1,"b":[1,1.2345678901234568e+22,0.5,-1e+20],"c":{"x~/y":0.0,"z":2.5}})");
  EXPECT_EQ(dump_keeping_number_texts(parsed->value, parsed->texts), text);
  EXPECT_EQ(dump_keeping_number_texts(parsed->value["c"], parsed->texts, "/c"), R"({"x~/y":1e-400,"z":2.5})");
  EXPECT_EQ(number_text(parsed->value["a"], parsed->texts, "/a"), "0.1000000000000000000001");
  EXPECT_EQ(number_text(parsed->value["c"]["z"], parsed->texts, "/c/z"), "2.5");
}

// An integer past 64 bits is held as a double; where that double prints the same value (1e+20,
// 1.2345678901234568e+20) it would come back as a float: its text keeps it an integer.
TEST(json_number_texts, integers_past_64_bits_stay_integers) {
  const std::string text = R"({"a":100000000000000000000,"b":[-123456789012345680000,18446744073709551616]})";
  const auto parsed = parse_keeping_number_texts(text);
  ASSERT_TRUE(parsed.ok()) << parsed.err().message;
  EXPECT_EQ(parsed->texts, (number_texts{{"/a", "100000000000000000000"},
                                         {"/b/0", "-123456789012345680000"},
                                         {"/b/1", "18446744073709551616"}}));
  EXPECT_EQ(dump_keeping_number_texts(parsed->value, parsed->texts), text);
}

TEST(json_number_texts, numbers_a_double_holds_keep_no_text) {
  const auto parsed = parse_keeping_number_texts(R"({"a":1.50,"b":1e2,"c":-0.0,"d":[0.1,18446744073709551615,-9223372036854775808]})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->texts.empty());
  EXPECT_EQ(dump_keeping_number_texts(parsed->value, parsed->texts), parsed->value.dump());
}

TEST(json_number_texts, a_key_given_again_keeps_only_its_last_values_texts) {
  const auto parsed = parse_keeping_number_texts(
      R"({"m":0.1000000000000000000001,"m":5,"n":{"x":0.3000000000000000000001,"y":[0.7000000000000000000001]},"n":{"y":[1]},"m-":0.9000000000000000000001})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->texts, (number_texts{{"/m-", "0.9000000000000000000001"}}));
  EXPECT_EQ(dump_keeping_number_texts(parsed->value, parsed->texts), R"({"m":5,"n":{"y":[1]},"m-":0.9000000000000000000001})");
}

TEST(json_number_texts, texts_move_with_a_copied_value) {
  const number_texts texts = {{"/tools/0/p/min", "1.0000000000000000000001"}, {"/tools/0/q", "2.0000000000000000000001"},
                              {"/tools/0/p", "3.0000000000000000000001"}, {"/tools/0/pq", "4.0000000000000000000001"}};
  EXPECT_EQ(moved_number_texts(texts, "/tools/0/p", "/anyOf/1/arguments"),
            (number_texts{{"/anyOf/1/arguments", "3.0000000000000000000001"}, {"/anyOf/1/arguments/min", "1.0000000000000000000001"}}));
  EXPECT_EQ(moved_number_texts(texts, "/tools", "").size(), 4u);
}

TEST(json_number_texts, text_that_is_not_json_is_an_error_with_nlohmanns_reason) {
  const auto parsed = parse_keeping_number_texts(R"({"a":0.1000000000000000000001,)");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.err().message.find("parse error"), std::string::npos) << parsed.err().message;
  EXPECT_FALSE(parse_keeping_number_texts("1e400").ok());  // past a double: nlohmann refuses it too
}

}  // namespace
}  // namespace infergrid::model

// json_schema_prefix per feature: documents a schema allows are accepted (and complete only at
// their end), documents it forbids are refused, and prefixes that cannot be completed are refused
// as soon as they are written. Then random byte walks on random schemas: the recogniser never
// leads into a dead end, and every document it completes is valid for an independent checker.
#include <gtest/gtest.h>

#include <functional>
#include <regex>

#include <nlohmann/json.hpp>

#include "kernels/model/json_schema_compiler.hpp"
#include "kernels/model/json_schema_prefix.hpp"
#include "kernels/model/schema_prefix_checks.hpp"
#include "kernels/model/schema_test_support.hpp"

namespace infergrid::model {
namespace {

struct feature_case {
  std::string schema;
  std::vector<std::string> valid;
  std::vector<std::string> invalid;
};

using testing_support::accepts;
using testing_support::compiled;
using testing_support::viable;

const std::vector<feature_case> features = {
    {R"({"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"},"c":{"type":"boolean"}},"required":["a","c"],"additionalProperties":false})",
     {R"({"a":1,"c":true})", R"({"a":1,"b":"x","c":false})", R"({ "a": 1, "c": true })", "{\n  \"a\": -3,\n  \"c\": true\n}"},
     {R"({"c":true,"a":1})", R"({"a":1})", R"({"a":1,"b":"x"})", R"({"a":1,"c":true,"d":1})", R"({"a":"1","c":true})", "{}",
      R"({"a":1,,"c":true})", R"({"a":1,"c":true,})", "{  \"a\":1,\"c\":true}"}},
    {R"({"type":"string","minLength":2,"maxLength":3})",
     {R"("ab")", R"("abc")", "\"\xc3\xa9\xf0\x9f\x98\x80\"", R"("\u00e9x")", R"("\uD83D\uDE00a")", R"("\n\"")"},
     {R"("a")", R"("abcd")", R"("\uD83D\uDE00")", R"("")", "\"a\xc3\"", R"("\x")"}},
    {R"({"type":"integer","minimum":10,"maximum":99})", {"10", "99", "42"}, {"9", "100", "5", "-1", "10.0", "1e1", "010", "-10"}},
    {R"({"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1})",
     {"0.5", "0.000000000000001", "0.999999999999999"}, {"0", "1", "0.0", "1.0", "-0.5", "0.9999999999999999", ".5"}},
    {R"({"type":"number","minimum":-2.5,"maximum":2.5})", {"-2.5", "2.5", "0", "-0", "2.49", "-2.50"}, {"2.51", "-2.5000001", "3", "+1"}},
    {R"({"type":"number","minimum":0.1,"maximum":0.3})", {"0.1", "0.3", "0.2999"}, {"0.09", "0.30001", "0.31"}},
    {R"({"type":"integer","exclusiveMaximum":100,"minimum":-1.5})", {"99", "-1", "0"}, {"100", "-2", "1234567890123456"}},
    {R"({"type":"number"})", {"123456789012345", "-0.5", "0.12345678901234"}, {"1234567890123456", "1e5", "01"}},
    // multipleOf: exact decimal arithmetic on the digits, with the range.
    {R"({"type":"integer","multipleOf":5,"minimum":-12,"maximum":100})", {"0", "5", "-10", "95", "100"}, {"3", "-15", "105", "7", "-12"}},
    {R"({"type":"number","multipleOf":0.01})", {"0.07", "12.34", "-0.5", "3", "0.10", "0.000"}, {"0.001", "0.075", "1.005"}},
    {R"({"type":"number","multipleOf":0.5,"exclusiveMinimum":0,"maximum":2})", {"0.5", "1", "1.5", "2", "2.0", "1.50"}, {"0", "0.0", "0.25", "2.5"}},
    {R"({"type":"integer","multipleOf":0.5})", {"3", "-4"}, {"3.5", "3.0"}},
    {R"({"type":"number","multipleOf":0.3})", {"0.9", "-0.3", "300000000000000", "0.000000000000000"}, {"0.1", "1", "0.000000000000003"}},
    {R"({"type":"number","multipleOf":1e20})", {"0", "-0", "0.0"}, {"1", "100000000000000", "0.1"}},
    {R"({"type":"number","multipleOf":1e-20})", {"0.123456789012345", "-7"}, {"0.1234567890123456"}},
    {R"({"enum":["red","green",1,10,null,{"a":[1]}]})",
     {R"("red")", "1", "10", "null", R"({"a":[1]})"}, {R"("blue")", "2", "100", R"({"a": [1]})", R"("re")", "nul"}},
    {R"({"type":"array","items":{"enum":[1,10]},"maxItems":3})", {"[1,10]", "[10, 1]", "[]"}, {"[2]", "[1,10,1,1]", "[100]"}},
    {R"({"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":2})",
     {"[1]", "[1,2]", "[ 1 , 2 ]", "[\n 1,\n 2\n]"}, {"[]", "[1,2,3]", "[1,]", "[,1]"}},
    {R"({"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":false})",
     {R"(["a",1])", R"(["a"])", "[]"}, {R"(["a",1,2])", "[1]"}},
    {R"({"anyOf":[{"type":"object","properties":{"x":{"type":"integer"}},"required":["x"]},{"type":"object","properties":{"y":{"type":"string"}},"required":["y"]},{"type":"string","maxLength":2},{"type":"string","minLength":4}]})",
     {R"({"x":1})", R"({"y":"s"})", R"("ab")", R"("abcd")", R"("abcde")"}, {R"("abc")", R"({"x":"s"})", R"({"x":1,"y":"s"})"}},
    {R"({"type":["string","null"],"maxLength":1})", {R"("a")", "null", R"("")"}, {"1", R"("ab")"}},
    {R"({"$ref":"#/$defs/node","$defs":{"node":{"type":"object","properties":{"value":{"type":"integer"},"children":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["value","children"],"additionalProperties":false}}})",
     {R"({"value":1,"children":[{"value":2,"children":[]},{"value":3,"children":[{"value":4,"children":[]}]}]})"},
     {R"({"value":1})", R"({"value":1,"children":[{"value":2}]})"}},
    {R"({"type":"object","properties":{"next":{"$ref":"#"}}})", {R"({"next":{"next":{}}})", "{}"}, {R"({"next":1})"}},
    {R"({})", {"1", R"("s")", R"([1,{"a":null}])", R"({"k":{"k2":[true,-0.5]}})", " {}"}, {"[1]]", "{\"a\"}", "tru", "01", "{} "}},
    {R"({"type":"object"})", {R"({"any key":[1,"x"],"another":{}})", "{}"}, {"[]", R"({"a":})"}},
    {R"({"type":"object","additionalProperties":{"type":"integer"}})", {R"({"a":1,"b":2})"}, {R"({"a":"1"})"}},
    {R"({"type":"object","properties":{}})", {"{}", "{ }"}, {R"({"a":1})"}},
    {R"({"type":"object","properties":{},"additionalProperties":true})", {"{}", R"({"a":1})"}, {"[]"}},
    // A type beside anyOf or $ref: both hold, so each alternative keeps only that type's values
    // (a tool's parameters, always an object, whatever the alternatives allow).
    {R"({"type":"object","anyOf":[{"type":"string"},{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"],"additionalProperties":false},{"enum":[{"b":true},3]},{}]})",
     {R"({"a":1})", R"({"b":true})", R"({"c":[1]})"}, {R"("x")", "3", "[]", "null"}},
    {R"({"type":"object","$ref":"#/$defs/u","$defs":{"u":{"anyOf":[{"type":"integer"},{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"],"additionalProperties":false}]}}})",
     {R"({"n":2})"}, {"2", R"({"n":"2"})"}},
    {R"({"type":"integer","anyOf":[{"minimum":5,"maximum":9},{"type":"string"}]})", {"5", "9"}, {"7.5", "10", R"("s")"}},
};

TEST(json_schema_prefix, accepts_valid_and_refuses_invalid_documents_per_feature) {
  for (const feature_case& f : features) {
    const compiled_schema schema = compiled(f.schema);
    const auto document = testing_support::ordered_json::parse(f.schema);
    for (const std::string& text : f.valid) {
      EXPECT_TRUE(accepts(schema, text)) << f.schema << "\n  valid: " << text;
      EXPECT_TRUE(testing_support::schema_accepts(nlohmann::json::parse(text), document, document)) << text;
    }
    for (const std::string& text : f.invalid) {
      EXPECT_FALSE(accepts(schema, text)) << f.schema << "\n  invalid: " << text;
    }
  }
}

// Number prefixes: {schema, prefixes some in-range number completes, prefixes none does}.
const std::vector<feature_case> number_prefixes = {
    {R"({"type":"integer","minimum":10,"maximum":99})", {"1", "9"}, {"0", "-", "100"}},
    // 14 zeros leave one digit for 0.000000000000001; 15 leave none.
    {R"({"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1})", {"0.", "0.000", "0.00000000000000"}, {"1", "0.000000000000000"}},
    {R"({"type":"integer","minimum":-20,"maximum":-10})", {"-1", "-2"}, {"-3", "1", "-21"}},
    // multipleOf: a prefix stays only while some multiple within the range completes it.
    {R"({"type":"integer","multipleOf":7,"minimum":10,"maximum":20})", {"1"}, {"2", "-", "3", "0"}},
    {R"({"type":"number","multipleOf":0.25,"minimum":0,"maximum":1})", {"0.2", "0.7", "1", "0.5", "0.", "1."}, {"0.1", "0.3", "0.26", "1.1"}},
    // 15 digits at most: 999999999999999 is a multiple of 3 and 7; 10 more digits reach no multiple of 10^15.
    {R"({"type":"integer","multipleOf":1e15})", {"0", "-"}, {"1", "-9"}},
    {R"({"type":"number","multipleOf":0.001,"minimum":0.0005,"maximum":0.0015})", {"0.001", "0.00"}, {"0.0005", "0.0015", "0.002"}},
};

TEST(json_schema_prefix, refuses_a_prefix_as_soon_as_no_completion_is_in_range) {
  for (const feature_case& f : number_prefixes) {
    const compiled_schema schema = compiled(f.schema);
    for (const std::string& text : f.valid) EXPECT_TRUE(viable(schema, text)) << f.schema << " " << text;
    for (const std::string& text : f.invalid) EXPECT_FALSE(viable(schema, text)) << f.schema << " " << text;
  }
}

// Every text of up to 4 characters from "-0123456789." ("" first).
std::vector<std::string> short_number_texts() {
  const std::string alphabet = "-0123456789.";
  std::vector<std::string> texts = {""};
  for (std::size_t begin = 0, length = 0; length < 4; ++length) {
    const std::size_t end = texts.size();
    for (std::size_t i = begin; i < end; ++i) {
      for (const char c : alphabet) texts.push_back(texts[i] + c);
    }
    begin = end;
  }
  return texts;
}

// Every text of up to 4 characters from "-0123456789.", against exact decimal arithmetic: a
// number is taken whole exactly when it is one JSON allows, lies in the range and is a multiple.
TEST(json_schema_prefix, multiple_of_is_exact_decimal_arithmetic_on_every_short_number) {
  struct step_case {
    std::string step;
    double minimum, maximum;
  };
  const std::regex number_grammar(R"(-?(0|[1-9][0-9]*)(\.[0-9]+)?)");
  const std::vector<std::string> texts = short_number_texts();
  for (const step_case& c : {step_case{"3", -50, 200}, step_case{"0.25", -1.5, 20}, step_case{"0.01", -0.5, 0.5},
                             step_case{"0.3", -10, 10}, step_case{"7", 1, 99}, step_case{"1.5", -100, 100}}) {
    const std::string schema_text = R"({"type":"number","multipleOf":)" + c.step + R"(,"minimum":)" +
                                    nlohmann::json(c.minimum).dump() + R"(,"maximum":)" + nlohmann::json(c.maximum).dump() + "}";
    const compiled_schema schema = compiled(schema_text);
    int taken = 0;
    for (std::size_t i = 1; i < texts.size(); ++i) {
      const std::string& text = texts[i];
      const bool expected = std::regex_match(text, number_grammar) && std::stod(text) >= c.minimum &&
                            std::stod(text) <= c.maximum && testing_support::decimal_multiple(text, c.step);
      EXPECT_EQ(accepts(schema, text), expected) << schema_text << " " << text;
      taken += expected ? 1 : 0;
    }
    EXPECT_GT(taken, 3) << schema_text;
  }
}

// The same on the paths the test above leaves out: exclusive bounds (one unit inside), ranges
// wholly below zero, integers with a fractional step, and steps written with an exponent.
TEST(json_schema_prefix, multiple_of_with_exclusive_bounds_negative_ranges_and_exponent_steps) {
  struct bounded_case {
    std::string schema_text, step;
    bool integer;
    std::function<bool(double)> in_range;
  };
  const std::regex number_grammar(R"(-?(0|[1-9][0-9]*)(\.[0-9]+)?)"), integer_grammar(R"(-?(0|[1-9][0-9]*))");
  const std::vector<std::string> texts = short_number_texts();
  const std::vector<bounded_case> cases = {
      {R"({"type":"number","multipleOf":5e-1,"exclusiveMinimum":-2,"exclusiveMaximum":-1})", "5e-1", false,
       [](double v) { return v > -2 && v < -1; }},
      {R"({"type":"number","multipleOf":1E1,"minimum":-25,"maximum":-5})", "1E1", false, [](double v) { return v >= -25 && v <= -5; }},
      {R"({"type":"integer","multipleOf":0.5,"minimum":-3,"exclusiveMaximum":0})", "0.5", true, [](double v) { return v >= -3 && v < 0; }},
      {R"({"type":"number","multipleOf":0.25,"exclusiveMinimum":-0.5,"exclusiveMaximum":0.5})", "0.25", false,
       [](double v) { return v > -0.5 && v < 0.5; }},
      {R"({"type":"number","multipleOf":2.5e-1,"exclusiveMinimum":-1.25,"maximum":-0.25})", "2.5e-1", false,
       [](double v) { return v > -1.25 && v <= -0.25; }},
      {R"({"type":"integer","multipleOf":3,"exclusiveMinimum":-10,"exclusiveMaximum":-1})", "3", true, [](double v) { return v > -10 && v < -1; }},
  };
  for (const bounded_case& c : cases) {
    const compiled_schema schema = compiled(c.schema_text);
    int taken = 0;
    for (std::size_t i = 1; i < texts.size(); ++i) {
      const std::string& text = texts[i];
      const bool expected = std::regex_match(text, c.integer ? integer_grammar : number_grammar) && c.in_range(std::stod(text)) &&
                            testing_support::decimal_multiple(text, c.step);
      EXPECT_EQ(accepts(schema, text), expected) << c.schema_text << " " << text;
      // Never a dead end: a prefix is kept only while some completion is taken.
      if (viable(schema, text) && !accepts(schema, text)) {
        bool completes = false;
        for (std::size_t j = 0; j < texts.size() && !completes; ++j) completes = accepts(schema, text + texts[j]);
        EXPECT_TRUE(completes) << c.schema_text << " " << text << " has no completion of up to 4 characters";
      }
      taken += expected ? 1 : 0;
    }
    EXPECT_GE(taken, 1) << c.schema_text;
  }
}

// Bounds, steps and enum values written with more digits than a double holds are the numbers
// written, not their nearest doubles (which once made minimum 0.1000000000000000000001 allow 0.1 and
// exclusiveMaximum 0.1000000000000000000001 refuse it): every text of up to 4 characters and a few
// long ones are taken exactly when exact decimal arithmetic says the schema allows them.
TEST(json_schema_prefix, numbers_past_a_doubles_precision_are_read_as_written) {
  using testing_support::decimal_compare;
  using testing_support::decimal_multiple;
  struct exact_case {
    std::string schema_text;
    bool integer;
    std::function<bool(const std::string&)> allows;
  };
  const std::string tenth_and_more = "0.1000000000000000000001", almost_one = "0.9999999999999999999999";
  const std::vector<exact_case> cases = {
      {R"({"type":"number","minimum":0.1000000000000000000001,"maximum":1})", false,
       [&](const std::string& v) { return decimal_compare(v, tenth_and_more) >= 0 && decimal_compare(v, "1") <= 0; }},
      {R"({"type":"number","minimum":0,"exclusiveMaximum":0.1000000000000000000001})", false,
       [&](const std::string& v) { return decimal_compare(v, "0") >= 0 && decimal_compare(v, tenth_and_more) < 0; }},
      {R"({"type":"number","minimum":-1,"maximum":-0.1000000000000000000001})", false,
       [&](const std::string& v) { return decimal_compare(v, "-1") >= 0 && decimal_compare(v, "-" + tenth_and_more) <= 0; }},
      {R"({"type":"integer","exclusiveMinimum":0.9999999999999999999999,"maximum":5})", true,
       [&](const std::string& v) { return decimal_compare(v, almost_one) > 0 && decimal_compare(v, "5") <= 0; }},
      {R"({"type":"integer","minimum":-0.0000000000000000001,"maximum":0.9999999999999999999999})", true,
       [&](const std::string& v) { return decimal_compare(v, "-0.0000000000000000001") >= 0 && decimal_compare(v, almost_one) <= 0; }},
      {R"({"type":"number","multipleOf":0.1000000000000000000001,"minimum":-10,"maximum":10})", false,
       [&](const std::string& v) { return decimal_multiple(v, tenth_and_more) && decimal_compare(v, "-10") >= 0 && decimal_compare(v, "10") <= 0; }},
      {R"({"type":"integer","exclusiveMinimum":99999999999999.999999999999999999,"exclusiveMaximum":100000000000000.00000000000000001})", true,
       [&](const std::string& v) {
         return decimal_compare(v, "99999999999999.999999999999999999") > 0 && decimal_compare(v, "100000000000000.00000000000000001") < 0;
       }},
  };
  const std::regex number_grammar(R"(-?(0|[1-9][0-9]*)(\.[0-9]+)?)"), integer_grammar(R"(-?(0|[1-9][0-9]*))");
  std::vector<std::string> texts = short_number_texts();
  for (const char* longer : {"0.100000000000001", "0.099999999999999", "100000000000000", "99999999999999", "-0.100000000000001",
                             "0.999999999999999", "0.000000000000000", "-0.000000000000001", "1.00000000000000"}) {
    texts.emplace_back(longer);
  }
  for (const exact_case& c : cases) {
    const compiled_schema schema = compiled(c.schema_text);
    int taken = 0;
    for (std::size_t i = 1; i < texts.size(); ++i) {
      const std::string& text = texts[i];
      const bool expected = std::regex_match(text, c.integer ? integer_grammar : number_grammar) && c.allows(text);
      EXPECT_EQ(accepts(schema, text), expected) << c.schema_text << " " << text;
      taken += expected ? 1 : 0;
    }
    EXPECT_GE(taken, 1) << c.schema_text;
  }
  // enum and const: the values as written, an integer type keeping only whole ones.
  const std::vector<feature_case> enums = {
      {R"({"enum":[0.1000000000000000000001,2]})", {"0.1000000000000000000001", "2"}, {"0.1", "0.10000000000000000000010"}},
      {R"({"type":"integer","enum":[1.0000000000000000001,2,3.0]})", {"2", "3.0"}, {"1.0", "1", "1.0000000000000000001"}},
      {R"({"enum":[0.1,0.1000000000000000000001],"const":0.1000000000000000000001})", {"0.1000000000000000000001"}, {"0.1"}},
  };
  for (const feature_case& f : enums) {
    const compiled_schema schema = compiled(f.schema);
    for (const std::string& text : f.valid) EXPECT_TRUE(accepts(schema, text)) << f.schema << " " << text;
    for (const std::string& text : f.invalid) EXPECT_FALSE(accepts(schema, text)) << f.schema << " " << text;
  }
}

TEST(json_schema_prefix, prefix_and_suffix_wrap_the_value_and_nothing_follows) {
  const compiled_schema tool = compiled(
      R"({"type":"object","properties":{"name":{"const":"get_weather"},"arguments":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}},"required":["name","arguments"],"additionalProperties":false})",
      "<tool_call>\n", "\n</tool_call>");
  const std::string call = "<tool_call>\n{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}\n</tool_call>";
  json_schema_prefix p(tool);
  for (std::size_t i = 0; i < call.size(); ++i) {
    ASSERT_TRUE(p.feed(static_cast<unsigned char>(call[i]))) << call.substr(0, i + 1);
    EXPECT_EQ(p.complete(), i + 1 == call.size()) << call.substr(0, i + 1);
  }
  EXPECT_FALSE(json_schema_prefix(p).feed(' '));
  EXPECT_FALSE(json_schema_prefix(p).feed('\n'));
  EXPECT_FALSE(viable(tool, "{\"name\""));
  EXPECT_FALSE(viable(tool, "<tool_call>\n{\"name\":\"get_time\""));
  const compiled_schema number = compiled(R"({"type":"integer"})", "", "\n");
  EXPECT_TRUE(accepts(number, "12\n"));
  EXPECT_FALSE(accepts(number, "12"));
  const compiled_schema bare = compiled(R"({"type":"integer"})");
  json_schema_prefix twelve(bare);
  ASSERT_TRUE(twelve.feed("12"));
  EXPECT_TRUE(twelve.complete());
  EXPECT_TRUE(json_schema_prefix(twelve).feed('3'));  // a longer number is still possible
  EXPECT_FALSE(json_schema_prefix(twelve).feed(' '));
}

TEST(json_schema_prefix, whitespace_and_depth_are_bounded) {
  const compiled_schema any = compiled("{}");
  EXPECT_FALSE(viable(any, "{  "));
  EXPECT_FALSE(viable(any, "{\n\n"));
  EXPECT_TRUE(viable(any, "\n" + std::string(json_whitespace::max_indent, ' ')));
  EXPECT_FALSE(viable(any, "\n" + std::string(json_whitespace::max_indent + 1, ' ')));
  EXPECT_TRUE(viable(any, std::string(schema_depth_max, '[')));
  EXPECT_FALSE(viable(any, std::string(schema_depth_max + 1, '[')));
  // A recursive schema whose every value nests: the depth bound stops it before it cannot close.
  const compiled_schema list = compiled(R"({"type":"array","items":{"$ref":"#"},"minItems":0})");
  EXPECT_TRUE(accepts(list, "[[[]]]"));
  EXPECT_FALSE(viable(list, std::string(schema_depth_max + 1, '[')));
}

// From the empty text, feed random allowed bytes (closing ones favoured) until the document is
// complete: at every step some byte must be allowed (no dead end), and each finished document
// parses and passes the independent checker.
// The test helper: a schema that does not compile ends the test with the compiler's message (an
// exception gtest reports), rather than going on with an empty schema, which crashed the test binary.
TEST(json_schema_prefix, a_schema_that_does_not_compile_ends_the_test_with_its_error) {
  try {
    const compiled_schema schema = compiled(R"({"type":"object","properties":{"a":{"type":"string","not":{}}}})");
    ADD_FAILURE() << "compiled() returned a schema for one that does not compile";
    EXPECT_FALSE(accepts(schema, R"({"a":"x"})"));
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("'not' at #/properties/a/not is not supported"), std::string::npos) << e.what();
  }
}

TEST(json_schema_prefix, random_walks_on_random_schemas_end_in_valid_documents) {
  testing_support::schema_generator generator(1234);
  std::mt19937 rng(99);
  int finished = 0;
  for (int s = 0; s < 60; ++s) {
    const testing_support::ordered_json document = generator.document();
    auto schema = compile_json_schema(document.dump());
    ASSERT_TRUE(schema.ok()) << document.dump() << ": " << schema.err().message;
    for (int walk = 0; walk < 5; ++walk) {
      json_schema_prefix state(*schema);
      std::string text;
      for (int step = 0; step < 4000 && !(state.complete() && rng() % 2 == 0); ++step) {
        std::vector<unsigned char> allowed;
        for (int b = 0; b < 256; ++b) {
          json_schema_prefix next = state;
          if (next.feed(static_cast<unsigned char>(b))) allowed.push_back(static_cast<unsigned char>(b));
        }
        if (allowed.empty()) break;
        unsigned char pick = allowed[rng() % allowed.size()];
        for (const unsigned char closing : {'"', '}', ']', ','}) {
          if (step > 40 && std::find(allowed.begin(), allowed.end(), closing) != allowed.end() && rng() % 3 == 0) pick = closing;
        }
        ASSERT_TRUE(state.feed(pick));
        text += static_cast<char>(pick);
      }
      ASSERT_TRUE(state.complete() || text.size() >= 4000) << document.dump() << "\n  dead end after: " << text;
      if (!state.complete()) continue;
      ASSERT_TRUE(nlohmann::json::accept(text)) << document.dump() << "\n  " << text;
      EXPECT_TRUE(testing_support::schema_accepts(nlohmann::json::parse(text), document, document))
          << document.dump() << "\n  " << text;
      ++finished;
    }
  }
  EXPECT_GT(finished, 200);
}

}  // namespace
}  // namespace infergrid::model

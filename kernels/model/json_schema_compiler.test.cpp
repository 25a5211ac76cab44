// json_schema_compiler: the supported subset compiles; every keyword outside it is refused by name
// and JSON pointer; unsatisfiable and oversized schemas are refused with a reason.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "kernels/model/json_schema_compiler.hpp"
#include "kernels/model/json_nesting.hpp"

namespace infergrid::model {
namespace {

TEST(json_schema_compiler, accepts_the_structured_output_subset) {
  const std::vector<std::string> accepted = {
      R"({})",
      R"(true)",
      R"({"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0}},"required":["name","age"],"additionalProperties":false})",
      R"({"type":["string","null"],"maxLength":5,"description":"d","title":"t","default":null,"examples":["a"]})",
      R"({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","items":{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1},"minItems":1,"maxItems":3})",
      R"({"type":"array","prefixItems":[{"type":"boolean"},{"type":"null"}],"items":false})",
      R"({"enum":["a",1,null,{"k":[true]}]})",
      R"({"const":"fixed"})",
      R"({"anyOf":[{"type":"string"},{"$ref":"#/$defs/n"}],"$defs":{"n":{"type":"number"}}})",
      R"({"$ref":"#/definitions/node","definitions":{"node":{"type":"object","properties":{"value":{"type":"integer"},"children":{"type":"array","items":{"$ref":"#/definitions/node"}}},"required":["value","children"]}}})",
      R"({"type":"object","properties":{"next":{"$ref":"#"}}})",
      R"({"type":"object","additionalProperties":{"type":"integer"}})",
      R"({"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":true,"strict":true,"x-vendor":1})",
      R"({"type":"string","pattern":"^[A-Z]{3}-[0-9]{2}$"})",
      R"({"type":"integer","multipleOf":5,"minimum":0,"maximum":100})",
      R"({"type":"number","multipleOf":0.01,"exclusiveMinimum":0})",
      R"({"multipleOf":1e-20})",
      R"({"type":"number","multipleOf":1e20})",
      R"({"type":["string","null"],"pattern":"a|b"})",
      R"({"type":"string","pattern":"^[a-z]+$","minLength":2,"maxLength":8})",
      R"({"type":"string","format":"date","minLength":1,"maxLength":64})",
      R"({"type":"string","pattern":"^a+$","maxLength":100000})",
      R"({"type":"string","pattern":"^[^\"]*$","minLength":1,"maxLength":100000})",
      R"({"type":"string","format":"email","maxLength":254})",
      R"({"type":"string","format":"date","pattern":"^2026-"})",
      R"({"type":"object","properties":{"when":{"type":"string","format":"date-time"},"on":{"type":"string","format":"date"},"at":{"type":"string","format":"time"},"for":{"type":"string","format":"duration"},"mail":{"type":"string","format":"email"},"host":{"type":"string","format":"hostname"},"v4":{"type":"string","format":"ipv4"},"v6":{"type":"string","format":"ipv6"},"id":{"type":"string","format":"uuid"}}})",
  };
  for (const std::string& schema : accepted) {
    auto compiled = compile_json_schema(schema);
    EXPECT_TRUE(compiled.ok()) << schema << ": " << compiled.err().message;
  }
}

struct refusal {
  std::string schema;
  std::string named;  // the message must contain this
  error_code code;
};

TEST(json_schema_compiler, refuses_unsupported_keywords_by_name_and_pointer) {
  const std::vector<refusal> refused = {
      {R"({"type":"string","pattern":"(a)\\1"})", "'pattern' at #/pattern: backreferences", error_code::unsupported},
      {R"x({"type":"string","pattern":"a(?=b)"})x", "'pattern' at #/pattern: lookarounds", error_code::unsupported},
      {R"({"type":"string","pattern":"[a"})", "'pattern' at #/pattern: a character class is missing", error_code::invalid_argument},
      {R"({"type":"string","pattern":"(a|b)*a(a|b){14}"})", "'pattern' at #/pattern: the pattern needs more than 4096", error_code::too_large},
      {R"({"type":"string","pattern":"a^b"})", "no string matches", error_code::invalid_argument},
      {R"({"type":"string","pattern":3})", "'pattern' must be a string", error_code::invalid_argument},
      {R"({"type":"string","format":"date","minLength":11})", "'format' at #/format: no string of minLength..maxLength", error_code::invalid_argument},
      {R"({"type":"string","format":"date","pattern":"^a"})", "'format' at #/format: no string matches both 'pattern' and 'format'",
       error_code::invalid_argument},
      {R"({"type":"string","format":"date","pattern":"^2","maxLength":9})", "'pattern' at #/pattern: no string of minLength..maxLength characters matches the pattern and format",
       error_code::invalid_argument},
      {R"({"type":"string","pattern":"^(ab)+$","minLength":3,"maxLength":3})", "'pattern' at #/pattern: no string of minLength..maxLength",
       error_code::invalid_argument},
      {R"({"type":"object","properties":{"mail":{"type":"string","format":"uri"}}})",
       "'format' \"uri\" at #/properties/mail/format is not supported (only date-time, date, time, duration, email, hostname, ipv4, ipv6, uuid)",
       error_code::unsupported},
      {R"({"allOf":[{"type":"string"}]})", "'allOf' at #/allOf", error_code::unsupported},
      {R"({"oneOf":[{"type":"string"}]})", "'oneOf' at #/oneOf", error_code::unsupported},
      {R"({"not":{"type":"string"}})", "'not' at #/not", error_code::unsupported},
      {R"({"if":{"type":"string"},"then":{},"else":{}})", "'if' at #/if", error_code::unsupported},
      {R"({"type":"object","patternProperties":{"^a":{}}})", "'patternProperties' at #/patternProperties", error_code::unsupported},
      {R"({"type":"object","propertyNames":{"maxLength":3}})", "'propertyNames'", error_code::unsupported},
      {R"({"type":"array","uniqueItems":true})", "'uniqueItems' at #/uniqueItems", error_code::unsupported},
      {R"({"type":"array","contains":{"type":"string"}})", "'contains'", error_code::unsupported},
      {R"({"type":"integer","multipleOf":0})", "'multipleOf' must be a number greater than 0", error_code::invalid_argument},
      {R"({"type":"number","multipleOf":-0.5})", "'multipleOf' must be a number greater than 0", error_code::invalid_argument},
      {R"({"type":"number","multipleOf":"5"})", "at #/multipleOf", error_code::invalid_argument},
      {R"({"type":"integer","multipleOf":7,"minimum":1,"maximum":6})", "and is a multiple of 'multipleOf'", error_code::invalid_argument},
      {R"({"type":"number","multipleOf":0.3,"exclusiveMinimum":0,"maximum":0.2})", "no number", error_code::invalid_argument},
      {R"({"type":"object","minProperties":1})", "'minProperties'", error_code::unsupported},
      {R"({"type":"object","dependentRequired":{"a":["b"]}})", "'dependentRequired'", error_code::unsupported},
      {R"({"type":"object","unevaluatedProperties":false})", "'unevaluatedProperties'", error_code::unsupported},
      {R"x({"items":{"anyOf":[{"type":"string","pattern":"(?<!x)"}]}})x", "'pattern' at #/items/anyOf/0/pattern", error_code::unsupported},
      {R"({"$defs":{"a/b":{"type":"string","format":"iri"}},"$ref":"#/$defs/a~1b"})", "'format' \"iri\" at #/$defs/a~1b/format", error_code::unsupported},
      {R"({"$ref":"https://example.com/s.json"})", "'$ref' at #/$ref", error_code::unsupported},
      {R"({"$ref":"#/$defs/x","type":"string","$defs":{"x":{"type":"integer"}}})", "allows no value of the 'type' beside it",
       error_code::invalid_argument},
      {R"({"type":"object","anyOf":[{"type":"string"},{"enum":[1,"a"]},{"minLength":2}]})", "no alternative of 'anyOf'",
       error_code::invalid_argument},
      {R"({"$ref":"#/$defs/x","minLength":1,"$defs":{"x":{"type":"string"}}})", "'minLength' beside '$ref' at #", error_code::unsupported},
      {R"({"anyOf":[{"type":"string"}],"maxLength":3})", "'maxLength' beside 'anyOf'", error_code::unsupported},
      {R"({"type":"object","properties":{"a":{}},"required":["b"]})", "'required' at #/required names \"b\"", error_code::unsupported},
      {R"({"type":"array","items":[{"type":"string"}]})", "use 'prefixItems'", error_code::unsupported},
      {R"({"type":"number","exclusiveMinimum":true})", "draft-4", error_code::invalid_argument},
      {R"({"$ref":"#/$defs/missing"})", "names nothing", error_code::invalid_argument},
      {R"({"$ref":"#/$defs/a","$defs":{"a":{"$ref":"#/$defs/a"}}})", "cycle", error_code::invalid_argument},
      {R"({"type":"object","properties":{"self":{"$ref":"#"}},"required":["self"]})", "nests deeper", error_code::invalid_argument},
      {R"({"type":"string","minLength":5,"maxLength":2})", "minLength", error_code::invalid_argument},
      {R"({"type":"integer","minimum":0.2,"maximum":0.8})", "no integer", error_code::invalid_argument},
      {R"({"type":"number","exclusiveMinimum":1,"exclusiveMaximum":1})", "no number", error_code::invalid_argument},
      {R"({"type":"array","minItems":3,"prefixItems":[{}],"items":false})", "minItems", error_code::invalid_argument},
      {R"({"type":"string","enum":[1,2]})", "no value of 'enum'", error_code::invalid_argument},
      {R"(false)", "admits no value", error_code::invalid_argument},
      {R"({"type":"strin"})", "'type' \"strin\" is not one of", error_code::invalid_argument},
      {R"({"type":"string","maxLength":-1})", "'maxLength' must be a non-negative integer", error_code::invalid_argument},
      {R"({"type":)", "not JSON", error_code::invalid_argument},
  };
  for (const refusal& r : refused) {
    auto compiled = compile_json_schema(r.schema);
    ASSERT_FALSE(compiled.ok()) << r.schema;
    EXPECT_NE(compiled.err().message.find(r.named), std::string::npos) << r.schema << " -> " << compiled.err().message;
    EXPECT_EQ(compiled.err().code, r.code) << r.schema << " -> " << compiled.err().message;
  }
}

TEST(json_schema_compiler, refuses_schemas_over_the_limits) {
  json_schema_limits limits;
  limits.nodes_max = 16;
  std::string wide = R"({"type":"object","properties":{)";
  for (int i = 0; i < 40; ++i) wide += (i ? "," : "") + std::string("\"p") + std::to_string(i) + "\":{\"type\":\"string\"}";
  wide += "}}";
  auto compiled = compile_json_schema(wide, "", "", limits);
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.err().code, error_code::too_large);
  limits = {};
  limits.text_bytes_max = 10;
  EXPECT_EQ(compile_json_schema(wide, "", "", limits).err().code, error_code::too_large);
  EXPECT_EQ(compile_json_schema("{}", std::string(5000, 'x')).err().code, error_code::too_large);
}

// Every pattern's automaton counts against one budget for the schema; the same text compiles once.
TEST(json_schema_compiler, bounds_the_patterns_together_and_shares_equal_ones) {
  const std::string two = R"({"type":"object","properties":{"a":{"type":"string","pattern":"^[a-z]{1,40}$"},"b":{"type":"string","pattern":"^[0-9]{1,40}$"}}})";
  auto compiled = compile_json_schema(two);
  ASSERT_TRUE(compiled.ok()) << compiled.err().message;
  ASSERT_EQ(compiled->patterns.size(), 2u);
  const std::size_t first_cells = compiled->patterns[0].next.size();
  json_schema_limits limits;
  limits.pattern_cells_max = first_cells + 10;
  auto over = compile_json_schema(two, "", "", limits);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.err().code, error_code::too_large);
  EXPECT_NE(over.err().message.find("#/properties/b/pattern"), std::string::npos) << over.err().message;
  auto shared = compile_json_schema(R"({"type":"array","prefixItems":[{"type":"string","format":"uuid"},{"type":"string","format":"uuid"}]})");
  ASSERT_TRUE(shared.ok());
  EXPECT_EQ(shared->patterns.size(), 1u);
}

// A schema nesting deeper than json_depth_max is refused before it is parsed (copies and dumps of
// it would recurse once per level); one within the depth compiles.
TEST(json_schema_compiler, refuses_schemas_nested_too_deep) {
  const auto arrays = [](std::size_t depth) {
    std::string text;
    for (std::size_t i = 0; i < depth; ++i) text += R"({"type":"array","items":)";
    text += R"({"type":"integer"})";
    return text + std::string(depth, '}');
  };
  EXPECT_TRUE(compile_json_schema(arrays(json_depth_max - 1), "", "").ok());
  auto deep = compile_json_schema(arrays(json_depth_max), "", "");
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.err().code, error_code::invalid_argument);
  EXPECT_NE(deep.err().message.find("nest deeper than 64 levels"), std::string::npos) << deep.err().message;
}

TEST(json_schema_compiler, keeps_declared_property_order_and_affixes) {
  auto compiled = compile_json_schema(R"({"type":"object","properties":{"z":{},"a":{},"m":{}},"required":["m"]})",
                                      "<tool_call>\n", "\n</tool_call>");
  ASSERT_TRUE(compiled.ok()) << compiled.err().message;
  const schema_node& root = compiled->nodes[compiled->root];
  ASSERT_EQ(root.kind, schema_kind::object);
  ASSERT_EQ(root.properties.size(), 3u);
  const literal_trie& keys = compiled->tries[root.trie];
  std::uint32_t node = literal_trie::root;
  for (const char c : std::string("\"z\"")) node = keys.child(node, static_cast<unsigned char>(c));
  EXPECT_EQ(keys.literal_at(node), 0u);  // "z" is declared first
  EXPECT_TRUE(root.properties[2].required);
  EXPECT_EQ(compiled->prefix, "<tool_call>\n");
  EXPECT_EQ(compiled->suffix, "\n</tool_call>");
}

}  // namespace
}  // namespace infergrid::model

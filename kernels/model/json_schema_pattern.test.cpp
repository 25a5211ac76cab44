// json_schema_prefix on strings with a `pattern` or `format`: exactly the JSON strings whose decoded
// text the pattern matches are accepted, whatever mix of raw UTF-8 and escapes writes them; a byte
// is refused as soon as no character it may be part of keeps the pattern's automaton alive, and
// random writers that take any allowed byte never reach a dead end and only finish matching strings.
#include <gtest/gtest.h>

#include <random>

#include <nlohmann/json.hpp>

#include "kernels/model/json_schema_compiler.hpp"
#include "kernels/model/json_schema_prefix.hpp"
#include "kernels/model/schema_prefix_checks.hpp"

namespace infergrid::model {
namespace {

using testing_support::accepts;
using testing_support::compiled;
using testing_support::viable;

struct pattern_case {
  std::string schema;
  std::vector<std::string> valid;    // JSON texts
  std::vector<std::string> invalid;  // JSON texts
};

const std::vector<pattern_case> cases = {
    {R"({"type":"string","pattern":"^[A-Z]{3}-[0-9]{2}$"})",
     {R"("ABC-12")", R"("\u0041BC-12")", R"("XYZ\u002d09")"},
     {R"("AB-12")", R"("ABC-123")", R"("abc-12")", R"("ABC12")", R"("")", R"("ABC-1")"}},
    // multi-byte UTF-8 and every way JSON writes a character
    {R"({"type":"string","pattern":"^é[😀x]\\n\"/$"})",
     {"\"\xc3\xa9\xf0\x9f\x98\x80\\n\\\"/\"", R"("\u00e9\ud83d\ude00\u000a\u0022\/")", R"("\u00E9x\n\"/")"},
     {"\"e\xf0\x9f\x98\x80\\n\\\"/\"", R"("\u00e9\ud83d\ude01\n\"/")", R"("\u00e9xn\"/")", R"("\u00e9x\n\"")"}},
    // unanchored: matches anywhere
    {R"({"type":"string","pattern":"b+c"})", {R"("abcd")", R"("bc")", R"("xbbbc")"}, {R"("ac")", R"("cb")", R"("")"}},
    {R"({"type":"string","pattern":"^\\d+$"})", {R"("0")", R"("123")"}, {R"("")", R"("1a")", R"("١")"}},
    {R"({"type":"object","properties":{"code":{"type":"string","pattern":"^[a-z]{2}$"},"n":{"type":"integer"}},"required":["code","n"],"additionalProperties":false})",
     {R"({"code":"ab","n":1})"}, {R"({"code":"abc","n":1})", R"({"code":"a","n":1})"}},
    {R"({"type":["string","null"],"format":"date"})", {R"("2024-02-29")", "null"}, {R"("2024-13-01")", R"("24-01-01")", R"("2024-01-01T00:00:00Z")"}},
    {R"({"type":"array","items":{"type":"string","format":"uuid"}})",
     {R"(["123e4567-e89b-12d3-a456-426614174000","00000000-0000-0000-0000-00000000000A"])", "[]"},
     {R"(["123e4567e89b12d3a456426614174000"])", R"(["123e4567-e89b-12d3-a456-42661417400g"])"}},
    {R"({"anyOf":[{"type":"string","pattern":"^a+$"},{"type":"string","pattern":"^b+$"}]})", {R"("aa")", R"("b")"}, {R"("ab")", R"("")"}},
    // a length beside a pattern: both hold
    {R"({"type":"string","pattern":"^[a-z]+$","minLength":2,"maxLength":3})", {R"("ab")", R"("abc")"}, {R"("a")", R"("abcd")"}},
    {R"({"type":"string","pattern":"x","maxLength":2})", {R"("x")", R"("ax")", R"("xé")"}, {R"("abx")", R"("ab")"}},
    // a length far beyond what a product of states and counts could hold
    {R"({"type":"string","pattern":"^[a-z]+$","minLength":2,"maxLength":100000})", {R"("ab")", R"("abcdefgh")"}, {R"("a")", R"("abC")"}},
    {R"({"type":"string","pattern":"^(ab)+$","minLength":3,"maxLength":5})", {R"("abab")"}, {R"("ab")", R"("ababab")", R"("aba")"}},
    // pattern and format together: both hold
    {R"({"type":"string","format":"date","pattern":"^2026-"})", {R"("2026-01-31")"}, {R"("2025-01-31")", R"("2026-13-01")", R"("2026-")"}},
    {R"({"type":"string","format":"uuid","pattern":"^0+-"})", {R"("00000000-0000-0000-0000-00000000000A")"},
     {R"("123e4567-e89b-12d3-a456-426614174000")", R"("0000")"}},
};

TEST(json_schema_pattern, accepts_exactly_the_strings_the_pattern_matches) {
  for (const pattern_case& c : cases) {
    const compiled_schema schema = compiled(c.schema);
    for (const std::string& text : c.valid) EXPECT_TRUE(accepts(schema, text)) << c.schema << "\n  valid: " << text;
    for (const std::string& text : c.invalid) EXPECT_FALSE(accepts(schema, text)) << c.schema << "\n  invalid: " << text;
  }
}

// {schema, prefixes some matching string completes, prefixes none does}
const std::vector<pattern_case> prefixes = {
    {R"({"type":"string","pattern":"^[a-z]+$"})", {"\"a", "\"ab", "\"\\", "\"\\u006"}, {"\"\xc3", "\"\\n", "\"\\u005", "\"A", "\"\"", "\"a\"x"}},
    {R"({"type":"string","pattern":"^é$"})",
     {"\"\xc3", "\"\\", "\"\\u", "\"\\u00", "\"\\u00E", "\"\\u00e9"},
     {"\"\xc4", "\"\xe0", "\"\\n", "\"\\u01", "\"\\u00f", "\"\\uD"}},
    {R"({"type":"string","pattern":"^😀$"})",
     {"\"\xf0", "\"\xf0\x9f\x98", "\"\\uD", "\"\\uD83D", "\"\\uD83D\\", "\"\\uD83D\\uDE", "\"\\uD83D\\uDE00"},
     {"\"\xf1", "\"\xf0\x9f\x97", "\"\\uE", "\"\\uD83C", "\"\\uD83D\\uDF", "\"\\u0"}},
    // maxLength 3 beside an unanchored "x": the third character must be the x if none came before
    {R"({"type":"string","pattern":"x","maxLength":3})", {"\"ab", "\"abx", "\"x", "\"xab"}, {"\"abc", "\"ab\\n", "\"abx\"x"}},
    // the count beside the automaton: after "aba" one more "b" fits 3..5, after "ababa" none does
    {R"({"type":"string","pattern":"^(ab)+$","minLength":3,"maxLength":5})", {"\"a", "\"aba", "\"abab"}, {"\"ab\"", "\"ababa", "\"b"}},
    {R"({"type":"string","format":"date","pattern":"^2026-"})", {"\"2026-0", "\"20"}, {"\"2025", "\"2026-2"}},
    {R"({"type":"string","pattern":"^\\n\"$"})", {"\"\\", "\"\\n", "\"\\u000", "\"\\n\\"}, {"\"\\t", "\"\\u001", "\"\\n\""}},
};

TEST(json_schema_pattern, refuses_a_byte_as_soon_as_no_character_it_may_start_fits) {
  for (const pattern_case& c : prefixes) {
    const compiled_schema schema = compiled(c.schema);
    for (const std::string& text : c.valid) EXPECT_TRUE(viable(schema, text)) << c.schema << "\n  viable: " << text;
    for (const std::string& text : c.invalid) EXPECT_FALSE(viable(schema, text)) << c.schema << "\n  dead: " << text;
  }
}

// The decoded string matches: checked with the automaton itself on the whole text (its own
// construct-by-construct tests are in regex_dfa.test.cpp).
std::vector<std::uint32_t> code_points(const std::string& utf8) { return utf8_code_points(utf8).value(); }

TEST(json_schema_pattern, random_byte_writers_never_reach_a_dead_end_and_finish_only_matching_strings) {
  const std::vector<std::string> patterns = {"^[A-Z]{3}-[0-9]{2}$", "^é[😀x]\\n$", "b+c", "^(ab|cd)*e?$", "^[^a-z]{2,4}$", "^.\\s\\S$"};
  const std::string bounded = R"({"type":"string","pattern":"b","minLength":3,"maxLength":5})";
  const std::vector<std::string> combined = {R"({"type":"string","pattern":"^(ab|c)*$","minLength":4,"maxLength":7})",
                                             R"({"type":"string","format":"date","pattern":"-0[1-3]-"})",
                                             R"({"type":"string","format":"ipv4","pattern":"^1","maxLength":9})"};
  const std::vector<std::string> formats = {"date-time", "date", "time", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"};
  std::vector<std::pair<std::string, std::string>> schemas;  // schema, pattern
  for (const std::string& p : patterns) schemas.emplace_back(nlohmann::json{{"type", "string"}, {"pattern", p}}.dump(), p);
  for (const std::string& f : formats) schemas.emplace_back(nlohmann::json{{"type", "string"}, {"format", f}}.dump(), "");
  schemas.emplace_back(bounded, "b");
  for (const std::string& c : combined) schemas.emplace_back(c, "");
  std::mt19937 rng(42);
  int finished = 0;
  for (const auto& [text, pattern] : schemas) {
    const compiled_schema schema = compiled(text);
    ASSERT_EQ(schema.patterns.size(), 1u) << text;
    for (int walk = 0; walk < 40; ++walk) {
      json_schema_prefix state(schema);
      std::string written;
      for (int step = 0; step < 200 && !state.complete(); ++step) {
        std::vector<unsigned char> allowed;
        for (int byte = 0; byte < 256; ++byte) {
          if (json_schema_prefix(state).feed(static_cast<unsigned char>(byte))) allowed.push_back(static_cast<unsigned char>(byte));
        }
        ASSERT_FALSE(allowed.empty()) << text << " dead end after " << written;
        // Mostly ASCII, so walks finish; the quote closes whenever it may.
        std::vector<unsigned char> ascii;
        for (const unsigned char b : allowed) {
          if (b < 0x80) ascii.push_back(b);
        }
        const auto& from = (!ascii.empty() && rng() % 8 != 0) ? ascii : allowed;
        unsigned char byte = from[rng() % from.size()];
        if (step > 20 && std::find(allowed.begin(), allowed.end(), '"') != allowed.end()) byte = '"';
        ASSERT_TRUE(state.feed(byte));
        written += static_cast<char>(byte);
      }
      if (!state.complete()) continue;
      ++finished;
      const auto decoded = nlohmann::json::parse(written).get<std::string>();
      EXPECT_TRUE(schema.patterns[0].matches(code_points(decoded))) << text << ": " << written;
      if (text == bounded) {
        EXPECT_NE(decoded.find('b'), std::string::npos) << written;
      }
      const auto declared = nlohmann::json::parse(text);
      EXPECT_GE(code_points(decoded).size(), declared.value("minLength", 0u)) << text << ": " << written;
      EXPECT_LE(code_points(decoded).size(), declared.value("maxLength", 1000u)) << text << ": " << written;
    }
  }
  EXPECT_GE(finished, static_cast<int>(schemas.size()) * 10);
}

}  // namespace
}  // namespace infergrid::model

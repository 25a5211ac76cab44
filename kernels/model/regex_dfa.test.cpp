// regex_dfa: each construct of the supported pattern subset matches exactly its strings (ECMA-262
// semantics over code points: unanchored unless ^/$), refusals name what is unsupported, and the
// automaton's size is bounded.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernels/model/regex_dfa.hpp"
#include "kernels/model/regex_intersection.hpp"
#include "kernels/model/regex_length.hpp"

namespace infergrid::model {
namespace {

std::vector<std::uint32_t> code_points(const std::string& utf8) { return utf8_code_points(utf8).value(); }

struct construct_case {
  std::string pattern;
  std::vector<std::string> matching;
  std::vector<std::string> other;
};

const std::vector<construct_case> constructs = {
    {"abc", {"abc", "xxabcyy", "abcabc"}, {"", "ab", "acb", "ABC"}},
    {"^abc$", {"abc"}, {"xabc", "abcx", "ab", ""}},
    {"^ab", {"ab", "abz"}, {"zab"}},
    {"yz$", {"yz", "xyz"}, {"yzx"}},
    {"^\\d\\w\\s$", {"1a ", "9_\t", "0Z\n"}, {"a1 ", "1a", "1- "}},
    {"^\\D\\W\\S$", {"a-x", "--!"}, {"1-x", "aax", "a- "}},
    {"^[a-z0-9_]+$", {"abc_09", "z"}, {"", "A", "ab-c", "é"}},
    {"^[^a-c]$", {"d", "é", "😀", "\n"}, {"a", "b", "c", "dd"}},
    {"^[\\d.-]$", {"5", ".", "-"}, {"a"}},
    {"^.$", {"a", "é", "😀", " "}, {"\n", "\r", "", "ab"}},
    {"^(?:ab|cd)+$", {"ab", "cdab", "abcdab"}, {"", "a", "abc", "ba"}},
    {"^(ab|c)?d$", {"d", "abd", "cd"}, {"abcd", "ad"}},
    {"^(?<year>\\d{2})$", {"12"}, {"1"}},
    {"^a{2}$", {"aa"}, {"a", "aaa"}},
    {"^a{2,3}$", {"aa", "aaa"}, {"a", "aaaa"}},
    {"^a{2,}$", {"aa", "aaaaaaa"}, {"a", ""}},
    {"^a?b*c+$", {"c", "abbc", "acc", "bbbc"}, {"", "ab", "aac"}},
    {"^a+?b*?$", {"a", "aab"}, {"b"}},
    {"^\\u00e9\\x41\\uD83D\\uDE00\\u{1F600}$", {"éA😀😀"}, {"eA😀😀"}},
    {"^\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\/\\\\\\^\\$$", {".*+?()[]{}|/\\^$"}, {"a*+?()[]{}|/\\^$"}},
    {"^é+$", {"é", "éé"}, {"e", ""}},
    {"^[α-ω]$", {"β"}, {"a", "Ω"}},
    {"^\\t\\n\\r\\f\\v\\0$", {std::string("\t\n\r\f\v") + '\0'}, {"\t\n\r\f\v0"}},
    {"", {"", "anything"}, {}},
    {"^$", {""}, {"a"}},
    {"^(a|)$", {"", "a"}, {"aa"}},
    {"^(a*)*$", {"", "aaa"}, {"b"}},
    {"^[]$|x", {"x", "axb"}, {""}},
    {"^[^]$", {"a", "\n"}, {""}},
};

TEST(regex_dfa, each_construct_matches_exactly_its_strings) {
  for (const construct_case& c : constructs) {
    auto dfa = compile_regex(c.pattern);
    ASSERT_TRUE(dfa.ok()) << c.pattern << ": " << dfa.err().message;
    for (const std::string& text : c.matching) EXPECT_TRUE(dfa->matches(code_points(text))) << c.pattern << " should match " << text;
    for (const std::string& text : c.other) EXPECT_FALSE(dfa->matches(code_points(text))) << c.pattern << " should not match " << text;
  }
}

TEST(regex_dfa, every_kept_state_can_still_reach_a_match) {
  auto dfa = compile_regex("^[A-Z]{3}-[0-9]{2}$");
  ASSERT_TRUE(dfa.ok());
  std::uint32_t state = regex_dfa::start;
  for (const char c : std::string("AB")) state = dfa->step(state, static_cast<unsigned char>(c));
  ASSERT_NE(state, regex_dfa::dead);
  EXPECT_EQ(dfa->step(state, '1'), regex_dfa::dead);
  EXPECT_TRUE(dfa->steps_within(state, {'A', 'Z'}));
  EXPECT_FALSE(dfa->steps_within(state, {'0', '9'}));
  EXPECT_FALSE(dfa->steps_within(state, {0x80, code_point_max}));
  EXPECT_FALSE(dfa->accepts(state));
}

TEST(regex_dfa, past_an_unanchored_match_every_character_is_taken) {
  auto dfa = compile_regex("b");
  ASSERT_TRUE(dfa.ok());
  EXPECT_FALSE(dfa->takes_everything(regex_dfa::start));
  const std::uint32_t matched = dfa->step(dfa->step(regex_dfa::start, 'a'), 'b');
  EXPECT_TRUE(dfa->takes_everything(matched));
  auto anchored = compile_regex("^b");
  ASSERT_TRUE(anchored.ok());
  EXPECT_TRUE(anchored->takes_everything(anchored->step(regex_dfa::start, 'b')));
  auto whole = compile_regex("^b$");
  ASSERT_TRUE(whole.ok());
  EXPECT_FALSE(whole->takes_everything(whole->step(regex_dfa::start, 'b')));
}

TEST(regex_dfa, surrogates_are_in_no_class) {
  auto dfa = compile_regex("^[^a]$");
  ASSERT_TRUE(dfa.ok());
  EXPECT_EQ(dfa->step(regex_dfa::start, 0xD800), regex_dfa::dead);
  EXPECT_FALSE(dfa->steps_within(regex_dfa::start, {0xD800, 0xDFFF}));
  EXPECT_TRUE(dfa->steps_within(regex_dfa::start, {0xD800, 0xE000}));
}

TEST(regex_dfa, the_same_pattern_gives_the_same_automaton) {
  auto a = compile_regex("(\\d+|[a-f]{2,4})x?$");
  auto b = compile_regex("(\\d+|[a-f]{2,4})x?$");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(*a == *b);
}

// Walks `text` from the start; dead when some character has no transition.
std::uint32_t state_after(const regex_dfa& dfa, const std::string& text) {
  std::uint32_t state = regex_dfa::start;
  for (const char c : text) {
    if (state != regex_dfa::dead) state = dfa.step(state, static_cast<unsigned char>(c));
  }
  return state;
}

TEST(regex_dfa, match_distances_say_how_many_more_characters_can_end_in_a_match) {
  auto letters = compile_regex("^[a-z]+$");
  ASSERT_TRUE(letters.ok());
  auto distances = match_distances_of(*letters);
  ASSERT_TRUE(distances.ok()) << distances.err().message;
  EXPECT_FALSE(distances->reaches(regex_dfa::start, 0, 0));
  EXPECT_TRUE(distances->reaches(regex_dfa::start, 1, 1));
  EXPECT_TRUE(distances->reaches(regex_dfa::start, 100000, 100000));  // no product with the count: any length
  EXPECT_TRUE(distances->reaches(state_after(*letters, "ab"), 0, 0));
  // (ab)*: only even lengths, from the start; odd ones after an "a".
  auto pairs = compile_regex("^(ab)*$");
  ASSERT_TRUE(pairs.ok());
  auto even = match_distances_of(*pairs);
  ASSERT_TRUE(even.ok());
  EXPECT_TRUE(even->reaches(regex_dfa::start, 0, 0));
  EXPECT_FALSE(even->reaches(regex_dfa::start, 3, 3));
  EXPECT_TRUE(even->reaches(regex_dfa::start, 3, 4));
  EXPECT_FALSE(even->reaches(regex_dfa::start, 99999, 99999));
  EXPECT_TRUE(even->reaches(regex_dfa::start, 99999, 100000));
  EXPECT_TRUE(even->reaches(state_after(*pairs, "a"), 99999, 99999));
  EXPECT_FALSE(even->reaches(state_after(*pairs, "a"), 2, 2));
  // A fixed shape: exactly 4 more characters from the start, none after 4 are written.
  auto fixed = compile_regex("^\\d{4}$");
  ASSERT_TRUE(fixed.ok());
  auto four = match_distances_of(*fixed);
  ASSERT_TRUE(four.ok());
  EXPECT_TRUE(four->reaches(regex_dfa::start, 0, 4));
  EXPECT_FALSE(four->reaches(regex_dfa::start, 5, UINT32_MAX));
  EXPECT_FALSE(four->reaches(regex_dfa::start, 0, 3));
  EXPECT_EQ(match_length_range(*fixed), std::make_pair(4u, 4u));
  EXPECT_EQ(match_length_range(*letters), std::make_pair(1u, UINT32_MAX));
  // Periods of 3 and 5 together, past a threshold: every length from 8 on (3a+5b), and 3, 5, 6.
  auto mixed = compile_regex("^((abc)|(defgh))*$");
  ASSERT_TRUE(mixed.ok());
  auto sums = match_distances_of(*mixed);
  ASSERT_TRUE(sums.ok());
  for (std::uint32_t k = 0; k < 40; ++k) {
    const bool sum = k == 0 || k == 3 || k == 5 || k == 6 || k >= 8;
    EXPECT_EQ(sums->reaches(regex_dfa::start, k, k), sum) << k;
  }
  // The table is bounded: distances that do not repeat within the cells allowed are refused.
  regex_limits tight;
  tight.dfa_cells_max = 8;
  auto refused = match_distances_of(*fixed, tight);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.err().code, error_code::too_large);
}

// A pattern and a format together: the strings both match, as one automaton.
TEST(regex_dfa, an_intersection_matches_what_both_match) {
  auto letters = compile_regex("^[a-c]+$");
  auto short_words = compile_regex("^.{2,3}$");
  ASSERT_TRUE(letters.ok() && short_words.ok());
  auto both = intersection(*letters, *short_words, "none");
  ASSERT_TRUE(both.ok()) << both.err().message;
  EXPECT_TRUE(both->matches(code_points("ab")));
  EXPECT_TRUE(both->matches(code_points("abc")));
  EXPECT_FALSE(both->matches(code_points("a")));
  EXPECT_FALSE(both->matches(code_points("abca")));
  EXPECT_FALSE(both->matches(code_points("xy")));
  auto digits = compile_regex("^\\d+$");
  ASSERT_TRUE(digits.ok());
  auto none = intersection(*letters, *digits, "no string matches both");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.err().code, error_code::invalid_argument);
  EXPECT_EQ(none.err().message, "no string matches both");
}

struct refusal_case {
  std::string pattern;
  error_code code;
  std::string named;
};

TEST(regex_dfa, refuses_what_it_cannot_honour_with_a_reason) {
  const std::vector<refusal_case> refused = {
      {"(a)\\1", error_code::unsupported, "backreferences"},
      {"(?<n>a)\\k<n>", error_code::unsupported, "backreferences"},
      {"a(?=b)", error_code::unsupported, "lookarounds"},
      {"a(?!b)", error_code::unsupported, "lookarounds"},
      {"(?<=a)b", error_code::unsupported, "lookarounds"},
      {"(?<!a)b", error_code::unsupported, "lookarounds"},
      {"\\bword\\b", error_code::unsupported, "word boundaries"},
      {"\\p{L}", error_code::unsupported, "property"},
      {"(?i)a", error_code::unsupported, "flags"},
      {"a{1001}", error_code::unsupported, "above 1000"},
      {"(", error_code::invalid_argument, "missing its ')'"},
      {")", error_code::invalid_argument, "unmatched ')'"},
      {"[a", error_code::invalid_argument, "missing its ']'"},
      {"[z-a]", error_code::invalid_argument, "out of order"},
      {"*a", error_code::invalid_argument, "nothing to repeat"},
      {"^*", error_code::invalid_argument, "nothing to repeat"},
      {"a{2,1}", error_code::invalid_argument, "out of order"},
      {"a{x}", error_code::invalid_argument, "quantifier"},
      {"\\q", error_code::invalid_argument, "unknown escape \\q"},
      {"\\", error_code::invalid_argument, "lone"},
      {"a^b", error_code::invalid_argument, "no string matches"},
      {"^[]$", error_code::invalid_argument, "no string matches"},
      {"(a|b)*a(a|b){14}", error_code::too_large, "automaton states"},
      {"((a{1000}){1000}){1000}", error_code::too_large, "automaton states"},
      {std::string(5000, 'a'), error_code::too_large, "longer than"},
      {"(\\d|\\w|\\s|[α-ω]|[^x]){1,300}q", error_code::too_large, "too complex"},
  };
  for (const refusal_case& r : refused) {
    auto dfa = compile_regex(r.pattern);
    ASSERT_FALSE(dfa.ok()) << r.pattern.substr(0, 40);
    EXPECT_EQ(dfa.err().code, r.code) << r.pattern.substr(0, 40) << ": " << dfa.err().message;
    EXPECT_NE(dfa.err().message.find(r.named), std::string::npos) << r.pattern.substr(0, 40) << ": " << dfa.err().message;
  }
}

}  // namespace
}  // namespace infergrid::model

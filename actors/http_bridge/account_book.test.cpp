#include "actors/http_bridge/account_book.hpp"

#include <gtest/gtest.h>

namespace infergrid::http {
namespace {

constexpr const char* keys_yaml = R"(
accounts:
  - name: alice
    keys: [sk-alice-1, sk-alice-2]
    balance_micro: 1000
  - name: bob
    keys: [sk-bob]
    rate_limit_per_minute: 6
    rate_limit_burst: 2
)";

TEST(AccountBook, MapsKeysToAccounts) {
  auto book = account_book::parse(keys_yaml, "keys.yaml");
  ASSERT_TRUE(book.ok()) << book.err().message;
  EXPECT_EQ(book->account_for_key("sk-alice-2"), "alice");
  EXPECT_EQ(book->account_for_key("sk-bob"), "bob");
  EXPECT_FALSE(book->account_for_key("sk-nobody").has_value());
  EXPECT_FALSE(book->account_for_key("").has_value());
  EXPECT_EQ(book->key_count(), 3u);
  EXPECT_FALSE(book->rate_limit_for("alice").has_value());
  ASSERT_TRUE(book->rate_limit_for("bob").has_value());
  EXPECT_EQ(book->rate_limit_for("bob")->requests_per_minute, 6);
  EXPECT_EQ(book->rate_limit_for("bob")->burst, 2);
}

// `keys list` and /dashboard/api/keys show a plain key's start, never the whole key: at most half
// of it, and nothing of a key under 12 characters.
TEST(AccountBook, PlainKeyPrefixNeverShowsTheWholeKey) {
  auto book = account_book::parse(R"({"accounts":[{"name":"c","keys":["abc123","sk-abcdefghij","sk-infergrid-dev"]}]})",
                                  "keys.json");
  ASSERT_TRUE(book.ok()) << book.err().message;
  const auto keys = book->keys();
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0].prefix, "");
  EXPECT_EQ(keys[1].prefix, "sk-abc");  // 13 characters: 6 shown
  EXPECT_EQ(keys[2].prefix, "sk-infer");
}

// A misspelled key is refused with its file, line and the keys that are valid there, never
// skipped: a stored key marked `revokd:` would otherwise stay valid, and `balanse_micro:` give a
// balance of 0.
TEST(AccountBook, RefusesMisspelledKeysNamingTheFileLineAndValidKeys) {
  const std::string hash(64, 'a');
  const struct {
    std::string text;
    std::string said;
  } cases[] = {
      {"accounts:\n  - name: alice\n    keys: []\napi_keys:\n  - {id: 0123abcd, account: alice, hash: " + hash +
           ", created: \"2026-12-07\", revokd: \"2026-12-07\"}\n",
       "keys.yaml:5: api_keys[0].revokd: unknown key 'revokd' (expected one of: id, account, hash, created, revoked)"},
      {"accounts:\n  - name: alice\n    keys: [sk-a]\n    balanse_micro: 5\n",
       "keys.yaml:4: accounts[0].balanse_micro: unknown key 'balanse_micro' (expected one of: name, keys, "
       "balance_micro, account, rate_limit_per_minute, rate_limit_burst)"},
      {"accounts:\n  - name: alice\n    keys: [sk-a]\napi_key: []\n",
       "keys.yaml:4: api_key: unknown key 'api_key' (expected one of: accounts, api_keys)"},
  };
  for (const auto& c : cases) {
    auto book = account_book::parse(c.text, "keys.yaml");
    ASSERT_FALSE(book.ok()) << c.text;
    EXPECT_EQ(book.err().code, error_code::invalid_argument);
    EXPECT_EQ(book.err().message, c.said) << c.text;
  }
}

TEST(AccountBook, JsonWorksToo) {
  auto book = account_book::parse(R"({"accounts":[{"name":"c","keys":["k"],"balance_micro":5}]})", "keys.json");
  ASSERT_TRUE(book.ok()) << book.err().message;
  EXPECT_EQ(book->view("c")->balance_micro, 5);
}

TEST(AccountBook, ReservesSettlesAndRefusesOverdraft) {
  auto book = account_book::parse(keys_yaml, "keys.yaml");
  ASSERT_TRUE(book.ok());
  ASSERT_TRUE(book->reserve("alice", 600).ok());
  auto second = book->reserve("alice", 600);  // only 400 left unreserved
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.err().code, error_code::insufficient_funds);
  book->settle("alice", 600, 150, 10, 20);
  auto alice = book->view("alice");
  EXPECT_EQ(alice->balance_micro, 850);
  EXPECT_EQ(alice->reserved_micro, 0);
  EXPECT_EQ(alice->usage.requests, 1);
  EXPECT_EQ(alice->usage.prompt_tokens, 10);
  EXPECT_EQ(alice->usage.completion_tokens, 20);
  EXPECT_EQ(alice->usage.spent_micro, 150);
  EXPECT_FALSE(book->reserve("bob", 1).ok());  // no balance
  EXPECT_TRUE(book->reserve("bob", 0).ok());
}

TEST(AccountBook, ChargeNeverExceedsReservation) {
  auto book = account_book::parse(keys_yaml, "keys.yaml");
  ASSERT_TRUE(book->reserve("alice", 100).ok());
  book->settle("alice", 100, 5000, 1, 1);
  EXPECT_EQ(book->view("alice")->balance_micro, 900);
}

TEST(AccountBook, BadFilesNameTheProblem) {
  const std::pair<const char*, const char*> cases[] = {
      {"accounts: 5", "accounts"},
      {"accounts:\n  - keys: [a]\n", "name"},
      {"accounts:\n  - name: a\n", "keys"},
      {"accounts:\n  - name: a\n    keys: [k]\n  - name: b\n    keys: [k]\n", "twice"},
      {"accounts:\n  - name: a\n    keys: [k]\n  - name: a\n    keys: [j]\n", "duplicate"},
      {"accounts:\n  - name: a\n    keys: [k]\n    balance_micro: -5\n", "negative"},
      {"accounts: [", "keys.yaml"},
      {"accounts:\n  - name: a\n    keys: [k]\n    rate_limit_burst: 0\n", "rate_limit"},
  };
  for (const auto& [text, expected] : cases) {
    auto book = account_book::parse(text, "keys.yaml");
    ASSERT_FALSE(book.ok()) << text;
    EXPECT_NE(book.err().message.find(expected), std::string::npos) << book.err().message;
  }
  EXPECT_EQ(account_book::load_file("/nonexistent/keys.yaml").err().code, error_code::not_found);
}

}  // namespace
}  // namespace infergrid::http

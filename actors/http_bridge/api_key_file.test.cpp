// Made keys end to end in one process: add_api_key/revoke_api_key edit a real keys file, and the
// account_book read from it finds the key by its hash, counts its usage, and refuses it once revoked
// (replace_keys, as the running bridge does when the file changes) while balances carry on.
#include "actors/http_bridge/api_key_file.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "actors/http_bridge/account_book.hpp"
#include "tests/support/file_text.hpp"

namespace infergrid::http {
namespace {

constexpr const char* base_file =
    "# operator's comment\n"
    "accounts:\n"
    "  - name: alice\n"
    "    keys: [sk-alice-plain]\n"
    "    balance_micro: 1000\n";

struct keys_file_fixture : ::testing::Test {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("api-keys-" + std::to_string(::getpid()) + "-" + std::to_string(rand()) + ".yaml");
  void SetUp() override { std::ofstream(path) << base_file; }
  void TearDown() override { std::filesystem::remove(path); }
  std::string text() const { return testing::file_text(path); }
};

TEST_F(keys_file_fixture, MadeKeyIsStoredHashedAndFoundByItsHash) {
  auto made = add_api_key(path.string(), "alice", "2026-12-04T16:40:00Z");
  ASSERT_TRUE(made.ok()) << made.err().message;
  EXPECT_EQ(api_key_id_of(made->key), made->id);
  const std::string file = text();
  EXPECT_EQ(file.rfind(base_file, 0), 0u) << "the operator's lines stay as written";
  EXPECT_EQ(file.find(made->key), std::string::npos);
  EXPECT_NE(file.find(made->hash_hex), std::string::npos);
  auto book = account_book::load_file(path.string());
  ASSERT_TRUE(book.ok()) << book.err().message;
  auto owner = book->owner_of_key(made->key);
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(owner->account, "alice");
  EXPECT_EQ(owner->key_id, made->id);
  EXPECT_EQ(book->owner_of_key("sk-alice-plain")->key_id, "alice/1");
  std::string forged = made->key;
  forged.back() = forged.back() == '0' ? '1' : '0';  // same id, another secret
  EXPECT_FALSE(book->owner_of_key(forged).has_value());
}

TEST_F(keys_file_fixture, KeyForALedgerAccountGetsAnAccountOfItsOwn) {
  auto made = add_api_key(path.string(), "carol-ledger", "2026-12-04T16:40:00Z");
  ASSERT_TRUE(made.ok());
  auto book = account_book::load_file(path.string());
  ASSERT_TRUE(book.ok());
  EXPECT_EQ(book->ledger_account_for("carol-ledger"), "carol-ledger");
}

TEST_F(keys_file_fixture, RevokedKeyIsRefusedAfterReloadAndUsageCarriesOn) {
  auto made = add_api_key(path.string(), "alice", "2026-12-04T16:40:00Z");
  ASSERT_TRUE(made.ok());
  auto book = account_book::load_file(path.string());
  ASSERT_TRUE(book.ok());
  ASSERT_TRUE(book->reserve("alice", 300).ok());
  book->settle("alice", 300, 120, 7, 9, made->id);
  auto revoked = revoke_api_key(path.string(), made->id, "2026-12-04T17:00:00Z");
  ASSERT_TRUE(revoked.ok()) << revoked.err().message;
  EXPECT_EQ(revoked->revoked, "2026-12-04T17:00:00Z");
  auto reloaded = account_book::load_file(path.string());
  ASSERT_TRUE(reloaded.ok()) << reloaded.err().message;
  book->replace_keys(std::move(reloaded).value());
  EXPECT_FALSE(book->owner_of_key(made->key).has_value());
  EXPECT_TRUE(book->owner_of_key("sk-alice-plain").has_value());
  EXPECT_EQ(book->view("alice")->balance_micro, 880) << "the balance is not reset by a reload";
  bool listed = false;
  for (const auto& key : book->keys()) {
    if (key.id != made->id) continue;
    listed = true;
    EXPECT_EQ(key.revoked, "2026-12-04T17:00:00Z");
    EXPECT_EQ(key.usage.requests, 1);
    EXPECT_EQ(key.usage.prompt_tokens, 7);
    EXPECT_EQ(key.usage.completion_tokens, 9);
    EXPECT_EQ(key.usage.spent_micro, 120);
  }
  EXPECT_TRUE(listed);
  EXPECT_EQ(revoke_api_key(path.string(), made->id, "later").err().code, error_code::conflict);
}

// An account name is one word in the keys file, the ledger and the access log: a space, a tab or a
// control character is refused with a message that names what is wrong (escaped, so a newline
// cannot break the message), and the file is left as it was.
TEST_F(keys_file_fixture, AnAccountWithASpaceOrAControlCharacterIsRefused) {
  const auto spaced = add_api_key(path.string(), "a b", "now");
  ASSERT_FALSE(spaced.ok());
  EXPECT_EQ(spaced.err().code, error_code::invalid_argument);
  EXPECT_EQ(spaced.err().message, "account 'a b': an account name may not hold a space (it is one word in the keys "
                                  "file, the ledger and the access log)");
  const auto tabbed = add_api_key(path.string(), "a\tb", "now");
  ASSERT_FALSE(tabbed.ok());
  EXPECT_NE(tabbed.err().message.find("account 'a\\x09b': an account name may not hold a control character"),
            std::string::npos)
      << tabbed.err().message;
  EXPECT_FALSE(add_api_key(path.string(), "a\x7f", "now").ok());
  EXPECT_FALSE(add_api_key(path.string(), " alice", "now").ok());
  EXPECT_EQ(text(), base_file);
}

TEST_F(keys_file_fixture, BadRequestsChangeNothing) {
  EXPECT_EQ(revoke_api_key(path.string(), "deadbeef", "now").err().code, error_code::not_found);
  EXPECT_EQ(add_api_key(path.string(), "bad\"name", "now").err().code, error_code::invalid_argument);
  EXPECT_EQ(text(), base_file);
  std::ofstream(path, std::ios::app) << "api_keys: []\n";
  EXPECT_EQ(add_api_key(path.string(), "alice", "now").err().code, error_code::unsupported);
  std::ofstream(path) << "api_keys:\naccounts: []\n";
  EXPECT_EQ(add_api_key(path.string(), "alice", "now").err().code, error_code::unsupported);
}

TEST(ApiKeyList, BadEntriesNameTheProblem) {
  const std::pair<const char*, const char*> cases[] = {
      {"accounts: []\napi_keys:\n  - {id: xyz, account: a, hash: 00, created: t}\n", "id"},
      {"accounts: []\napi_keys:\n  - {id: 0123abcd, hash: 00, created: t}\n", "account"},
      {"accounts: []\napi_keys:\n  - {id: 0123abcd, account: a, hash: 00, created: t}\n", "hash"},
  };
  for (const auto& [text, expected] : cases) {
    auto book = account_book::parse(text, "keys.yaml");
    ASSERT_FALSE(book.ok()) << text;
    EXPECT_NE(book.err().message.find(expected), std::string::npos) << book.err().message;
  }
}

}  // namespace
}  // namespace infergrid::http

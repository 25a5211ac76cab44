#include "runtime/identity.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>

#include "tests/support/processes_at_once.hpp"
#include "tests/support/temp_dir.hpp"

namespace infergrid {
namespace {

TEST(identity, signature_verifies_and_tampering_fails) {
  const identity id = identity::generate();
  std::string text = "pay 10 tokens";
  std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  const signature sig = id.sign(bytes);
  EXPECT_TRUE(verify_signature(id.public_id(), bytes, sig));
  text[4] = '9';
  EXPECT_FALSE(verify_signature(id.public_id(), bytes, sig));
  const identity other = identity::generate();
  EXPECT_FALSE(verify_signature(other.public_id(), bytes, id.sign(bytes)));
}

TEST(identity, seed_is_deterministic_and_key_file_round_trips) {
  std::array<std::uint8_t, 32> seed{};
  seed[0] = 7;
  EXPECT_EQ(identity::from_seed(seed).public_id(), identity::from_seed(seed).public_id());
  const std::string path = ::testing::TempDir() + "identity_test.key";
  std::remove(path.c_str());
  result<identity> created = identity::load_or_create(path);
  ASSERT_TRUE(created.ok());
  result<identity> loaded = identity::load_or_create(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(created->public_id(), loaded->public_id());
}

// A mistyped identity_file must not become a new miner unnoticed: creating a key says where and which.
TEST(identity, creating_a_key_file_logs_its_path_and_public_id_and_loading_one_does_not) {
  const std::string path = ::testing::TempDir() + "identity_test_created.key";
  std::remove(path.c_str());
  ::testing::internal::CaptureStderr();
  result<identity> created = identity::load_or_create(path);
  const std::string created_log = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(created.ok()) << created.err().message;
  EXPECT_NE(created_log.find("warn"), std::string::npos) << created_log;
  EXPECT_NE(created_log.find("created a new signing key"), std::string::npos) << created_log;
  EXPECT_NE(created_log.find(path), std::string::npos) << created_log;
  EXPECT_NE(created_log.find(to_hex(created->public_id())), std::string::npos) << created_log;
  ::testing::internal::CaptureStderr();
  ASSERT_TRUE(identity::load_or_create(path).ok());
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  std::remove(path.c_str());
}

// Miners started together on one missing identity_file (a unit restarted twice, two nodes on one
// folder) must all sign with the key on disk: one that kept a key it wrote and another overwrote
// would be a new identity after its next restart, its stake and earnings left behind.
TEST(identity, processes_creating_one_missing_key_file_at_once_all_get_the_key_on_disk) {
  const testing::temp_dir dir{"identity-race"};
  const std::string path = dir.file("signing.key");
  for (int round = 0; round < 5; ++round) {
    std::remove(path.c_str());
    const auto said = testing::processes_at_once(8, [&] {
      auto id = identity::load_or_create(path);
      return id.ok() ? to_hex(id->public_id()) : "error " + id.err().message;
    });
    auto on_disk = identity::load(path);
    ASSERT_TRUE(on_disk.ok()) << on_disk.err().message;
    EXPECT_EQ(std::set<std::string>(said.begin(), said.end()), std::set<std::string>{to_hex(on_disk->public_id())})
        << "round " << round;
  }
}

TEST(identity, hex_rejects_bad_input) {
  std::array<std::uint8_t, 2> out{};
  EXPECT_TRUE(from_hex("0aFf", out).ok());
  EXPECT_EQ(out[0], 0x0a);
  EXPECT_EQ(out[1], 0xff);
  EXPECT_FALSE(from_hex("0a", out).ok());
  EXPECT_FALSE(from_hex("0g00", out).ok());
  EXPECT_EQ(to_hex(out), "0aff");
}

}  // namespace
}  // namespace infergrid

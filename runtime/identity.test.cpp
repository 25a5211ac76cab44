#include "runtime/identity.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

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

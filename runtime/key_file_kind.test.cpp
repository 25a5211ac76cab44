// key_file_kind: every loader tells keygen's .key and .pub files apart — by the header above a
// secret, else by name and mode — so a public key is never read as a secret, nor a secret as a
// peer's key, while the files keygen writes keep loading where they belong.
#include "runtime/key_file_kind.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "runtime/config.hpp"
#include "runtime/curve_keys.hpp"
#include "runtime/identity.hpp"
#include "runtime/key_files.hpp"

namespace infergrid {
namespace {

class key_file_kind_test : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::remove_all(dir_);
    auto written = write_new_keys(dir_.string());
    ASSERT_TRUE(written.ok()) << written.err().message;
    keys_ = *written;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const char* name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_ = std::filesystem::temp_directory_path() / ("infergrid-key-kind-" + std::to_string(::getpid()));
  written_keys keys_;
};

template <class T>
std::string error_of(const result<T>& loaded) {
  return loaded.ok() ? "(accepted)" : loaded.err().message;
}

TEST_F(key_file_kind_test, keygen_files_load_where_they_belong) {
  auto signer = identity::load(path("signing.key"));
  ASSERT_TRUE(signer.ok()) << signer.err().message;
  EXPECT_EQ(to_hex(signer->public_id()), keys_.signing_public_hex);
  auto transport = load_curve_secret(path("transport.key"));
  ASSERT_TRUE(transport.ok()) << transport.err().message;
  EXPECT_EQ(transport->public_z85, keys_.transport_public_z85);
  auto peer_transport = parse_curve_public(path("transport.pub"));
  ASSERT_TRUE(peer_transport.ok()) << peer_transport.err().message;
  EXPECT_EQ(*peer_transport, keys_.transport_public_z85);
  auto config = parse_config("node: {name: a}\nsecurity:\n  identity: " + path("signing.key") +
                                 "\n  transport_key: " + path("transport.key") + "\n  members: [" + path("signing.pub") +
                                 "]\npeers: [{name: b, endpoint: 'tcp://127.0.0.1:7401', key: " + path("signing.pub") +
                                 "}]\nactors: []\n",
                             "a.yaml");
  ASSERT_TRUE(config.ok()) << config.err().message;
  EXPECT_EQ(to_hex(*config->peers[0].key), keys_.signing_public_hex);
}

TEST_F(key_file_kind_test, a_public_key_file_is_refused_as_a_secret) {
  EXPECT_NE(error_of(identity::load(path("signing.pub"))).find(path("signing.pub") + " is a public key file (.pub)"),
            std::string::npos);
  EXPECT_NE(error_of(identity::load_or_create(path("signing.pub"))).find("is a public key file (.pub)"), std::string::npos);
  EXPECT_NE(error_of(load_curve_secret(path("transport.pub"))).find(path("transport.pub") + " is a public key file (.pub)"),
            std::string::npos);
  auto identity_pub = parse_config("node: {name: a}\nsecurity:\n  identity: " + path("signing.pub") + "\nactors: []\n", "a.yaml");
  EXPECT_NE(error_of(identity_pub).find("a.yaml:3: security.identity: " + path("signing.pub") + " is a public key file"),
            std::string::npos)
      << error_of(identity_pub);
  auto transport_pub =
      parse_config("node: {name: a}\nsecurity:\n  transport_key: " + path("transport.pub") + "\nactors: []\n", "a.yaml");
  EXPECT_NE(error_of(transport_pub).find("a.yaml:3: security.transport_key: " + path("transport.pub") + " is a public key file"),
            std::string::npos)
      << error_of(transport_pub);
}

TEST_F(key_file_kind_test, a_secret_key_file_is_refused_as_a_public_key) {
  auto peer_key = parse_config(
      "node: {name: a}\npeers:\n  - {name: hub, endpoint: 'tcp://127.0.0.1:7401', key: " + path("signing.key") + "}\nactors: []\n",
      "a.yaml");
  EXPECT_NE(error_of(peer_key).find("a.yaml:3: peers[0].key: " + path("signing.key") + " is a secret key file (.key)"),
            std::string::npos)
      << error_of(peer_key);
  auto member = parse_config("node: {name: a}\nsecurity: {members: [" + path("signing.key") + "]}\nactors: []\n", "a.yaml");
  EXPECT_NE(error_of(member).find("security.members: " + path("signing.key") + " is a secret key file"), std::string::npos)
      << error_of(member);
  EXPECT_NE(error_of(parse_curve_public(path("transport.key"))).find("is a secret key file (.key)"), std::string::npos);
}

// A .pub renamed (or copied) without its suffix is judged by its content: it lacks the header
// keygen writes above a secret and is readable by others, as a .pub is, so it is refused as a
// secret with a message saying what to do. A secret keeps loading under any name.
TEST_F(key_file_kind_test, a_public_key_renamed_without_its_suffix_is_refused_as_a_secret) {
  std::filesystem::rename(path("signing.pub"), path("identity"));
  std::filesystem::rename(path("transport.pub"), path("transport"));
  const std::string signing = error_of(identity::load(path("identity")));
  EXPECT_NE(signing.find(path("identity") + " holds a key without the secret-key header"), std::string::npos) << signing;
  EXPECT_NE(signing.find("chmod 600"), std::string::npos) << signing;
  EXPECT_NE(error_of(identity::load_or_create(path("identity"))).find("without the secret-key header"), std::string::npos);
  EXPECT_NE(error_of(load_curve_secret(path("transport"))).find("without the secret-key header"), std::string::npos);

  std::filesystem::rename(path("signing.key"), path("node-identity"));
  std::filesystem::rename(path("transport.key"), path("node-transport"));
  auto signer = identity::load(path("node-identity"));
  ASSERT_TRUE(signer.ok()) << signer.err().message;
  EXPECT_EQ(to_hex(signer->public_id()), keys_.signing_public_hex);
  auto transport = load_curve_secret(path("node-transport"));
  ASSERT_TRUE(transport.ok()) << transport.err().message;
  EXPECT_EQ(transport->public_z85, keys_.transport_public_z85);
}

// Key files written before the header (or by hand) keep loading: a *.key name, or any name private
// to its owner (load_or_create has always made them 0600).
TEST_F(key_file_kind_test, header_less_secrets_load_by_name_or_by_owner_only_mode) {
  const std::string seed = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
  for (const char* name : {"legacy.key", "legacy.identity"}) {
    std::FILE* out = std::fopen(path(name).c_str(), "w");
    ASSERT_NE(out, nullptr);
    std::fputs(seed.c_str(), out);
    std::fclose(out);
  }
  std::filesystem::permissions(path("legacy.key"), std::filesystem::perms(0644));
  std::filesystem::permissions(path("legacy.identity"), std::filesystem::perms(0600));
  EXPECT_TRUE(identity::load(path("legacy.key")).ok()) << error_of(identity::load(path("legacy.key")));
  EXPECT_TRUE(identity::load(path("legacy.identity")).ok()) << error_of(identity::load(path("legacy.identity")));
  std::filesystem::permissions(path("legacy.identity"), std::filesystem::perms(0644));
  EXPECT_FALSE(identity::load(path("legacy.identity")).ok());
}

// A secret key file by its header, whatever its name, is refused where a public key is read.
TEST_F(key_file_kind_test, a_secret_renamed_without_its_suffix_is_refused_as_a_public_key) {
  std::filesystem::rename(path("transport.key"), path("hub-transport"));
  std::filesystem::rename(path("signing.key"), path("hub-signing"));
  EXPECT_NE(error_of(parse_curve_public(path("hub-transport"))).find(path("hub-transport") + " is a secret key file (its header"),
            std::string::npos)
      << error_of(parse_curve_public(path("hub-transport")));
  auto peer_key = parse_config(
      "node: {name: a}\npeers:\n  - {name: hub, endpoint: 'tcp://127.0.0.1:7401', key: " + path("hub-signing") + "}\nactors: []\n",
      "a.yaml");
  EXPECT_NE(error_of(peer_key).find("is a secret key file (its header"), std::string::npos) << error_of(peer_key);
}

TEST(key_file_kind, names_that_mark_no_half_are_not_judged) {
  EXPECT_TRUE(check_key_file_kind("worker.identity", key_file_kind::secret).ok());
  EXPECT_TRUE(check_key_file_kind("worker.identity", key_file_kind::public_key).ok());
  EXPECT_TRUE(check_key_file_kind("miner-1.key", key_file_kind::secret).ok());
  EXPECT_TRUE(check_key_file_kind("hub.pub", key_file_kind::public_key).ok());
  EXPECT_FALSE(check_key_file_kind("hub.pub", key_file_kind::secret).ok());
  EXPECT_FALSE(check_key_file_kind("miner-1.key", key_file_kind::public_key).ok());
}

}  // namespace
}  // namespace infergrid

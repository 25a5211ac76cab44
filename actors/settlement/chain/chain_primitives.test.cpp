// Known-answer tests of the chain primitives against public vectors, so each can fail on its own:
// Keccak-256, RLP (the Ethereum wiki's examples), secp256k1 addresses, the ABI (the Solidity ABI
// specification's examples), EIP-1559 signing (ethereumjs' eip1559.json vectors), the balances tree.
#include <gtest/gtest.h>

#include <fstream>

#include "actors/settlement/chain/abi.hpp"
#include "actors/settlement/chain/balances_tree.hpp"
#include "actors/settlement/chain/eip1559_transaction.hpp"
#include "actors/settlement/chain/keccak.hpp"
#include "actors/settlement/chain/retry_backoff.hpp"
#include "actors/settlement/chain/rlp.hpp"
#include "actors/settlement/chain/token_units.hpp"
#include "actors/settlement/chain/vault_deployment_file.hpp"

namespace infergrid::chain {
namespace {

bytes text_bytes(std::string_view text) { return bytes(text.begin(), text.end()); }

bytes hex(std::string_view text) {
  auto parsed = bytes_from_hex(text);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? *parsed : bytes{};
}

std::string concat_words(std::initializer_list<std::string_view> words) {
  std::string out = "0x";
  for (std::string_view w : words) out += w;
  return out;
}

TEST(ChainKeccak256, EmptyAndAbc) {
  EXPECT_EQ(to_hex_0x(keccak256(std::string_view(""))), "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(to_hex_0x(keccak256(std::string_view("abc"))), "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

TEST(ChainKeccak256, SelectorsAndTopicsOfErc20) {
  EXPECT_EQ(to_hex_0x(function_selector("transfer(address,uint256)")), "0xa9059cbb");
  EXPECT_EQ(to_hex_0x(function_selector("baz(uint32,bool)")), "0xcdcd77c0");
  EXPECT_EQ(to_hex_0x(event_topic("Transfer(address,address,uint256)")),
            "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
}

TEST(ChainRlp, StringsAndIntegers) {
  EXPECT_EQ(rlp_string(text_bytes("dog")), hex("0x83646f67"));
  EXPECT_EQ(rlp_string({}), hex("0x80"));
  EXPECT_EQ(rlp_string(hex("0x00")), hex("0x00"));
  EXPECT_EQ(rlp_string(hex("0x0f")), hex("0x0f"));
  EXPECT_EQ(rlp_string(hex("0x0400")), hex("0x820400"));
  EXPECT_EQ(rlp_uint(0), hex("0x80"));
  EXPECT_EQ(rlp_uint(15), hex("0x0f"));
  EXPECT_EQ(rlp_uint(1024), hex("0x820400"));
  const bytes lorem = rlp_string(text_bytes("Lorem ipsum dolor sit amet, consectetur adipisicing elit"));
  ASSERT_EQ(lorem.size(), 58u);
  EXPECT_EQ(lorem[0], 0xb8);
  EXPECT_EQ(lorem[1], 0x38);
  EXPECT_EQ(lorem[2], 'L');
}

TEST(ChainRlp, Lists) {
  EXPECT_EQ(rlp_list({rlp_string(text_bytes("cat")), rlp_string(text_bytes("dog"))}), hex("0xc88363617483646f67"));
  EXPECT_EQ(rlp_list({}), hex("0xc0"));
  // The set-theoretical representation of three: [ [], [[]], [ [], [[]] ] ].
  const bytes empty = rlp_list({});
  const bytes one = rlp_list({empty});
  EXPECT_EQ(rlp_list({empty, one, rlp_list({empty, one})}), hex("0xc7c0c1c0c3c0c1c0"));
}

TEST(ChainKey, AddressesOfWellKnownKeys) {
  auto one = chain_key::from_hex("0x0000000000000000000000000000000000000000000000000000000000000001");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(to_hex_0x(one->chain_address()), "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
  // The first account of the standard development mnemonic ("test test ... junk").
  auto dev = chain_key::from_hex("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
  ASSERT_TRUE(dev.ok());
  EXPECT_EQ(to_hex_0x(dev->chain_address()), "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
  EXPECT_FALSE(chain_key::from_hex("0x0000000000000000000000000000000000000000000000000000000000000000").ok());
  EXPECT_FALSE(chain_key::from_hex("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141").ok());  // the order
}

TEST(ChainKey, SignaturesRecoverTheirSigner) {
  const chain_key key = chain_key::generate();
  const word hash = keccak256(std::string_view("statement"));
  const recoverable_signature signature = key.sign(hash);
  auto signer = recover_signer(hash, signature);
  ASSERT_TRUE(signer.ok());
  EXPECT_EQ(*signer, key.chain_address());
  auto other = recover_signer(keccak256(std::string_view("another statement")), signature);
  EXPECT_TRUE(!other.ok() || *other != key.chain_address());
  const bytes rsv = signature.to_rsv();
  ASSERT_EQ(rsv.size(), 65u);
  EXPECT_TRUE(rsv[64] == 27 || rsv[64] == 28);
}

// ethereumjs-monorepo packages/tx/test/json/eip1559.json: chain id 7822 (0x1e8e), empty data and
// access list; the vector's signedTransactionRLP wraps the typed transaction in an RLP string
// header (b873 / b872), which is dropped here. RFC 6979 makes the signature deterministic, so the
// raw transaction checks the signing hash, the signature and the encoding at once.
struct eip1559_vector {
  std::uint64_t nonce, value, gas_limit, max_priority_fee, max_fee;
  std::string_view raw;
};

TEST(ChainEip1559, SignedRawMatchesEthereumjsVectors) {
  auto key = chain_key::from_hex("0x8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63");
  ASSERT_TRUE(key.ok());
  const eip1559_vector vectors[] = {
      {819, 43203529, 35552, 75853, 121212,
       "0x02f870821e8e8203338301284d8301d97c828ae094000000000000000000000000000000000000aaaa8402933bc980c080a0d067f216"
       "7008c59219652f91cbf8788dbca5f771f6e91e2b7657e85b78b472e0a01d305af9fe81fdba43f0dfcd400ed24dcace0a7e30d4e85701dcaa"
       "f484cd079e"},
      {353, 61901619, 32593, 38850, 136295,
       "0x02f86f821e8e8201618297c283021467827f5194000000000000000000000000000000000000aaaa8403b08b3380c001a004205678f13f"
       "c1d7b10feea6513dfa76e24418b6e08097d95c6f93a3b64e536da01d45ad61bfece43862de2cce7d2575a8c1d08c26c87f3cb5f26d7b0be5"
       "4a91b2"},
  };
  for (const eip1559_vector& v : vectors) {
    eip1559_transaction tx;
    tx.chain_id = 7822;
    tx.nonce = v.nonce;
    tx.max_priority_fee_per_gas_wei = v.max_priority_fee;
    tx.max_fee_per_gas_wei = v.max_fee;
    tx.gas_limit = v.gas_limit;
    tx.to = *address_from_hex("0x000000000000000000000000000000000000aaaa");
    tx.value_wei = word_from_u64(v.value);
    EXPECT_EQ(to_hex_0x(tx.signed_raw(*key)), v.raw) << "nonce " << v.nonce;
    auto signer = recover_signer(tx.signing_hash(), key->sign(tx.signing_hash()));
    ASSERT_TRUE(signer.ok());
    EXPECT_EQ(*signer, key->chain_address());
  }
}

TEST(ChainAbi, SpecificationExampleWithBytesBoolAndArray) {
  // sam(bytes,bool,uint256[]) with ("dave", true, [1, 2, 3]).
  const bytes encoded = abi_call("sam(bytes,bool,uint256[])",
                                 {abi_bytes{text_bytes("dave")}, abi_uint(1),
                                  abi_words{{word_from_u64(1), word_from_u64(2), word_from_u64(3)}}});
  const std::string zeros = std::string(62, '0');
  EXPECT_EQ(to_hex_0x(encoded),
            concat_words({"a5643bf2", zeros + "60", zeros + "01", zeros + "a0", zeros + "04",
                          "64617665" + std::string(56, '0'), zeros + "03", zeros + "01", zeros + "02", zeros + "03"}));
  const abi_reader reader{std::span<const std::uint8_t>(encoded).subspan(4)};
  EXPECT_EQ(*reader.bytes_at(0), text_bytes("dave"));
  EXPECT_EQ(*reader.u64_at(1), 1u);
  EXPECT_EQ(reader.words_at(2)->size(), 3u);
}

TEST(ChainAbi, ArrayOfDynamicBytesAsTheSpecificationEncodesStringArrays) {
  // The string[] argument ["one", "two", "three"] of the specification's g(uint256[][],string[]).
  const bytes encoded = abi_encode({abi_bytes_list{{text_bytes("one"), text_bytes("two"), text_bytes("three")}}});
  const std::string zeros = std::string(62, '0');
  const std::string pad = std::string(58, '0');
  EXPECT_EQ(to_hex_0x(encoded),
            concat_words({zeros + "20", zeros + "03", zeros + "60", zeros + "a0", zeros + "e0", zeros + "03",
                          "6f6e65" + pad, zeros + "03", "74776f" + pad, zeros + "05", "7468726565" + std::string(54, '0')}));
}

TEST(ChainAbi, ReaderRefusesOffsetsPastTheData) {
  const bytes encoded = abi_encode({abi_bytes{text_bytes("dave")}});
  EXPECT_FALSE(abi_reader{std::span<const std::uint8_t>(encoded).first(40)}.bytes_at(0).ok());
  bytes lying = encoded;
  lying[31] = 0xff;  // offset far past the end
  EXPECT_EQ(abi_reader(lying).bytes_at(0).err().code, error_code::malformed_input);
  EXPECT_FALSE(abi_reader(encoded).word_at(5).ok());
}

TEST(ChainBalancesTree, ProofsOfEveryLeafLeadToTheRoot) {
  for (std::size_t count : {1u, 2u, 3u, 5u, 8u, 13u}) {
    std::vector<balance_leaf> leaves;
    for (std::size_t i = 0; i < count; ++i) leaves.push_back({chain_key::generate().chain_address(), 1000 * (i + 1)});
    auto tree = balances_tree::build(leaves);
    ASSERT_TRUE(tree.ok());
    for (std::size_t i = 0; i < count; ++i) {
      EXPECT_EQ(root_from_proof(balance_leaf_hash(leaves[i]), tree->proof(i)), tree->root()) << count << " leaves, #" << i;
      balance_leaf inflated = leaves[i];
      ++inflated.cumulative_micro;
      EXPECT_NE(root_from_proof(balance_leaf_hash(inflated), tree->proof(i)), tree->root());
    }
  }
  const balance_leaf twice{chain_key::generate().chain_address(), 5};
  EXPECT_EQ(balances_tree::build({twice, twice}).err().code, error_code::invalid_argument);
  EXPECT_FALSE(balances_tree::build({}).ok());
}

TEST(ChainTypes, QuantitiesAndHex) {
  EXPECT_EQ(quantity_hex(0), "0x0");
  EXPECT_EQ(quantity_hex(1024), "0x400");
  EXPECT_EQ(*quantity_from_hex("0x400"), 1024u);
  EXPECT_EQ(quantity_from_hex("0x10000000000000000").err().code, error_code::too_large);
  EXPECT_FALSE(quantity_from_hex("400").ok());
  EXPECT_FALSE(bytes_from_hex("0xabc").ok());
  EXPECT_FALSE(address_from_hex("0x1234").ok());
  word big{};
  big[0] = 1;
  EXPECT_EQ(u64_from_word(big).err().code, error_code::too_large);
}

TEST(ChainTokenUnits, MicroUnitsScaleToEighteenDecimalsAndBackExactly) {
  EXPECT_EQ(token_scale_of_decimals(6)->units_per_micro, 1u);
  const token_scale btt = *token_scale_of_decimals(18);
  EXPECT_EQ(btt.units_per_micro, 1'000'000'000'000u);
  // 20 tokens = 20 × 10^18 base units = 0x1158e460913d00000.
  EXPECT_EQ(to_hex_0x(token_units(20'000'000, btt)), "0x" + std::string(47, '0') + "1158e460913d00000");
  EXPECT_EQ(*micro_of_token_units(token_units(20'000'000, btt), btt), 20'000'000u);
  // The largest ledger amount scales without overflow and comes back.
  EXPECT_EQ(*micro_of_token_units(token_units(UINT64_MAX, btt), btt), UINT64_MAX);

  word dust = token_units(3, btt);
  dust[31] += 1;  // 3 micro-units and one base unit
  EXPECT_EQ(micro_of_token_units(dust, btt).err().code, error_code::invalid_argument);
  EXPECT_EQ(*micro_floor_of_token_units(dust, btt), 3u);
  word huge{};
  huge[0] = 1;
  EXPECT_EQ(micro_of_token_units(huge, btt).err().code, error_code::too_large);
  EXPECT_EQ(micro_of_token_units(token_units(UINT64_MAX, *token_scale_of_decimals(24)), btt).err().code, error_code::too_large);

  EXPECT_EQ(token_scale_of_decimals(5).err().code, error_code::invalid_argument);  // a base unit above a micro-unit
  EXPECT_EQ(token_scale_of_decimals(25).err().code, error_code::invalid_argument);
  EXPECT_EQ(token_scale_of_decimals(24)->units_per_micro, static_cast<uint128>(1'000'000'000'000'000'000u));
}

// The background senders' retries: the delay doubles up to the cap and starts over after a success;
// a failure is logged when it differs from the last one, and the recovery once.
TEST(ChainRetryBackoff, DoublesToTheCapLogsEachDistinctFailureOnceAndTheRecoveryOnce) {
  retry_backoff backoff({100, 500, "test", "anchoring"});
  EXPECT_FALSE(backoff.succeeded());  // no failures yet: nothing to say
  std::vector<std::uint64_t> delays;
  std::vector<bool> logged;
  for (const char* message : {"down", "down", "down", "refused", "refused"}) {
    const auto wait = backoff.failed("anchoring epoch 3", message);
    delays.push_back(wait.delay_ms);
    logged.push_back(wait.logged);
  }
  EXPECT_EQ(delays, (std::vector<std::uint64_t>{100, 200, 400, 500, 500}));
  EXPECT_EQ(logged, (std::vector<bool>{true, false, false, true, false}));
  EXPECT_TRUE(backoff.succeeded());
  EXPECT_FALSE(backoff.succeeded());
  const auto again = backoff.failed("anchoring epoch 4", "down");
  EXPECT_EQ(again.delay_ms, 100u);
  EXPECT_TRUE(again.logged);  // a new run of failures says so, even with the old message
}

// A deployment file edited by hand with a key twice is refused with its line, not read as one of
// the two values (yaml-cpp keeps one silently).
TEST(ChainDeploymentFile, ADuplicateKeyIsRefusedWithItsLine) {
  const std::string path = ::testing::TempDir() + "/deployment-duplicate.yaml";
  std::ofstream(path) << "chain_endpoint: http://127.0.0.1:8545\nchain_id: 31337\n"
                         "chain_token: 0x0000000000000000000000000000000000000001\n"
                         "chain_vault: 0x0000000000000000000000000000000000000002\n"
                         "chain_start_block: 1\nchain_id: 1\n";
  const auto read = read_vault_deployment_file(path);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.err().message.find(path + ":6: chain_id: duplicate key (first at line 2)"), std::string::npos)
      << read.err().message;
}

// A key the deployment file does not take — a misspelling, or another chain_* setting copied in from
// an actor's settings (the file only says where the vault is) — is refused naming the key, its line and
// the keys it takes. Before, the file was read and the key did nothing: `chain_token_deploy: true`
// read as a token not deployed by the test deployer, `chain_confirmations: 12` confirmed nothing.
TEST(ChainDeploymentFile, AnUnknownKeyIsRefusedNamingItAndTheKeysTheFileTakes) {
  const std::string path = ::testing::TempDir() + "/deployment-unknown.yaml";
  const std::string addresses = "chain_endpoint: http://127.0.0.1:8545\nchain_id: 31337\n"
                                "chain_token: 0x0000000000000000000000000000000000000001\n"
                                "chain_vault: 0x0000000000000000000000000000000000000002\nchain_start_block: 1\n";
  for (const auto& [extra, expected] :
       {std::pair<std::string, std::string>{"chain_token_deploy: true\n", ":6: chain_token_deploy: unknown key 'chain_token_deploy'"},
        {"chain_confirmations: 12\n", ":6: chain_confirmations: unknown key 'chain_confirmations' (expected one of: "
                                       "chain_endpoint, chain_id, chain_token, chain_token_deployed, chain_vault, chain_start_block)"}}) {
    std::ofstream(path) << addresses << extra;
    const auto read = read_vault_deployment_file(path);
    ASSERT_FALSE(read.ok()) << extra;
    EXPECT_NE(read.err().message.find(path + expected), std::string::npos) << read.err().message;
  }
  std::ofstream(path) << addresses << "chain_token_deployed: true\n";
  const auto read = read_vault_deployment_file(path);
  ASSERT_TRUE(read.ok()) << read.err().message;
  EXPECT_TRUE(read->deployment.token_deployed);
}

}  // namespace
}  // namespace infergrid::chain

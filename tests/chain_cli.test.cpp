// `infergrid chain` against a local anvil node with the vault deployed (tests/support/vault_devnet):
// the real binary deposits, stakes and unbonds with a key file, and the chain's state afterwards is
// exactly what was asked; `status` prints it; a bad key file, a zero amount and a node that is down
// are clear errors with exit code 1 (deploy/readme/chain.md, "Command line").
#include <gtest/gtest.h>

#include <fstream>

#include "actors/settlement/chain/vault_calls.hpp"
#include "tests/child_process.hpp"
#include "tests/support/vault_devnet.hpp"

namespace infergrid::testing {
namespace {

using namespace infergrid::chain;
constexpr std::uint64_t token = 1'000'000;

struct cli_run {
  int exit_code = -1;
  std::string output;
};

cli_run run_chain_cli(std::vector<std::string> arguments) {
  const std::string dir = make_temp_dir();
  arguments.insert(arguments.begin(), {infergrid_binary(), "chain"});
  child_process cli(arguments, dir + "/cli.log");
  const auto code = cli.wait_exit(std::chrono::seconds(60));
  return {code.value_or(-1), cli.log()};
}

std::string key_file(const chain_key& key) {
  const std::string path = make_temp_dir() + "/wallet.key";
  write_file(path, to_hex_0x(key.secret()) + "\n");
  return path;
}

TEST(ChainCli, DepositsStakesUnbondsAndShowsTheVault) {
  auto started = vault_devnet::start();
  ASSERT_TRUE(started.ok()) << started.err().message;
  auto& net = **started;
  const chain_key wallet = chain_key::generate();
  ASSERT_TRUE(net.fund(wallet, 100 * token).ok());
  const std::string rpc = net.node->endpoint();
  const std::string vault = to_hex_0x(net.vault);
  const std::string key = key_file(wallet);

  auto deposited = run_chain_cli({"deposit", "12.5", "--rpc", rpc, "--vault", vault, "--key", key});
  ASSERT_EQ(deposited.exit_code, 0) << deposited.output;
  EXPECT_NE(deposited.output.find("deposit: transaction 0x"), std::string::npos) << deposited.output;
  auto staked = run_chain_cli({"stake", "30", "--role", "miner", "--rpc", rpc, "--vault", vault, "--key", key});
  ASSERT_EQ(staked.exit_code, 0) << staked.output;
  auto unbonded = run_chain_cli({"unbond", "5000000u", "--rpc", rpc, "--vault", vault, "--key", key});
  ASSERT_EQ(unbonded.exit_code, 0) << unbonded.output;

  // A view's value, or a failure naming what could not be read.
  auto read = [](const result<std::uint64_t>& got) {
    EXPECT_TRUE(got.ok()) << (got.ok() ? "" : got.err().message);
    return got.ok() ? *got : 0;
  };
  EXPECT_EQ(read(net.token_balance(wallet.chain_address())), 100 * token - 12'500'000 - 30 * token);
  EXPECT_EQ(read(net.view_u64(net.vault, vault_call::pool())), 12'500'000u);
  EXPECT_EQ(read(net.view_u64(net.vault, vault_call::staked_of(wallet.chain_address()))), 25 * token);
  EXPECT_EQ(read(net.view_u64(net.vault, vault_call::unbonding_of(wallet.chain_address()))), 5 * token);

  auto shown = run_chain_cli({"status", "--rpc", rpc, "--vault", vault, "--account", to_hex_0x(wallet.chain_address())});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("pool 12.500000 tokens, latest anchored epoch 0"), std::string::npos) << shown.output;
  EXPECT_NE(shown.output.find("wallet 57.500000 tokens, staked 25.000000, unbonding 5.000000"), std::string::npos)
      << shown.output;
}

TEST(ChainCli, BadInputAndADownNodeAreClearErrors) {
  auto started = vault_devnet::start();
  ASSERT_TRUE(started.ok()) << started.err().message;
  auto& net = **started;
  const std::string rpc = net.node->endpoint();
  const std::string vault = to_hex_0x(net.vault);
  const std::string garbage = make_temp_dir() + "/garbage.key";
  write_file(garbage, "not a key\n");
  auto bad_key = run_chain_cli({"deposit", "1", "--rpc", rpc, "--vault", vault, "--key", garbage});
  EXPECT_EQ(bad_key.exit_code, 1);
  EXPECT_NE(bad_key.output.find("holds no secp256k1 secret"), std::string::npos) << bad_key.output;
  EXPECT_EQ(bad_key.output.find("not a key"), std::string::npos) << "the secret file's text is never printed";
  auto zero = run_chain_cli({"deposit", "0", "--rpc", rpc, "--vault", vault, "--key", key_file(chain_key::generate())});
  EXPECT_EQ(zero.exit_code, 1);
  EXPECT_NE(zero.output.find("must be positive"), std::string::npos) << zero.output;
  auto poor = run_chain_cli({"deposit", "1", "--rpc", rpc, "--vault", vault, "--key", key_file(chain_key::generate())});
  EXPECT_EQ(poor.exit_code, 1) << poor.output;  // no ether for gas, no tokens: the node's reason is printed
  EXPECT_NE(poor.output.find("chain deposit"), std::string::npos) << poor.output;
  net.node->stop();
  auto down = run_chain_cli({"status", "--rpc", rpc, "--vault", vault});
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_NE(down.output.find("chain status:"), std::string::npos) << down.output;
}

}  // namespace
}  // namespace infergrid::testing
